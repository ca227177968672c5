package access_test

import (
	"context"
	"sync"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
)

// optsHost is a fake host that records the options of every snapshot.
type optsHost struct {
	*accessfake.Host
	mu   *sync.Mutex
	seen *[]access.SnapshotOptions
}

func (h optsHost) Snapshot(ctx context.Context, opts access.SnapshotOptions) (*access.HostState, error) {
	h.mu.Lock()
	*h.seen = append(*h.seen, opts)
	h.mu.Unlock()
	return h.Host.Snapshot(ctx, opts)
}

// TestRunsSkipKeyFiles: a run reads key files only where it decides on
// them (a grant with keys in homes, a revoke that locks); removing users
// and granting root-owned keys read nothing in any home, and still do
// their work.
func TestRunsSkipKeyFiles(t *testing.T) {
	ctx := context.Background()
	_, k := newSigner(t, "amy")
	tf := oneUserTeam(t, "amy", k)
	for _, c := range []struct {
		name string
		opts access.Options
		run  func(p *access.Provisioner, targets []access.Target) (*access.Result, error)
		skip bool
	}{
		{"revoke remove", access.Options{Keys: access.KeysInHome}, func(p *access.Provisioner, ts []access.Target) (*access.Result, error) {
			return p.Revoke(ctx, []string{"amy"}, ts)
		}, true},
		{"reconcile root-owned", access.Options{}, func(p *access.Provisioner, ts []access.Target) (*access.Result, error) {
			return p.Reconcile(ctx, tf, ts)
		}, true},
		{"grant root-owned", access.Options{}, func(p *access.Provisioner, ts []access.Target) (*access.Result, error) {
			return p.Grant(ctx, tf, ts)
		}, true},
		{"grant in home", access.Options{Keys: access.KeysInHome}, func(p *access.Provisioner, ts []access.Target) (*access.Result, error) {
			return p.Grant(ctx, tf, ts)
		}, false},
		{"revoke lock", access.Options{Keys: access.KeysInHome, Revoke: access.RevokeLock}, func(p *access.Provisioner, ts []access.Target) (*access.Result, error) {
			return p.Revoke(ctx, []string{"amy"}, ts)
		}, false},
		{"reconcile lock", access.Options{Revoke: access.RevokeLock}, func(p *access.Provisioner, ts []access.Target) (*access.Result, error) {
			return p.Reconcile(ctx, tf, ts)
		}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fh := accessfake.New("h", accessfake.Options{})
			// amy is granted with keys in her home first.
			home, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome})
			if r, err := home.Grant(ctx, tf, []access.Target{{Host: fh, Groups: []string{"all"}}}); err != nil || r.Err() != nil {
				t.Fatalf("grant: %v %v", err, r.Err())
			}
			keys := "/home/amy/.ssh/authorized_keys"
			reads := fh.KeyFileReads(keys)
			var seen []access.SnapshotOptions
			h := optsHost{fh, &sync.Mutex{}, &seen}
			p, _ := access.NewProvisioner(c.opts)
			if r, err := c.run(p, []access.Target{{Host: h, Groups: []string{"all"}}}); err != nil || r.Err() != nil {
				t.Fatalf("run: %v %v", err, r.Err())
			}
			if len(seen) != 1 || seen[0].SkipKeyFiles != c.skip {
				t.Fatalf("snapshots = %+v; want one with SkipKeyFiles %v", seen, c.skip)
			}
			if read := fh.KeyFileReads(keys) > reads; read == c.skip {
				t.Errorf("%s read: %v; want %v", keys, read, !c.skip)
			}
		})
	}
}
