package access_test

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
)

// slowHost is a fake host whose snapshots take delay.
type slowHost struct {
	*accessfake.Host
	delay time.Duration
}

func (h slowHost) Snapshot(ctx context.Context, opts access.SnapshotOptions) (*access.HostState, error) {
	time.Sleep(h.delay)
	return h.Host.Snapshot(ctx, opts)
}

// TestHostResultDuration (issue 20 item 22): HostResult.Duration is how
// long the host took, not 0.
func TestHostResultDuration(t *testing.T) {
	tf, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(teamYAML("  - {name: alice, teams: [dev]}\n")), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var progress []time.Duration
	p, _ := access.NewProvisioner(access.Options{Progress: func(r access.HostResult) { progress = append(progress, r.Duration) }})
	targets := []access.Target{
		{Host: slowHost{accessfake.New("a", accessfake.Options{}), 30 * time.Millisecond}, Groups: []string{"all"}},
		{Host: slowHost{accessfake.New("b", accessfake.Options{}), 60 * time.Millisecond}, Groups: []string{"all"}},
	}
	for _, run := range []func() (*access.Result, error){
		func() (*access.Result, error) { return p.Plan(context.Background(), tf, targets) },
		func() (*access.Result, error) { return p.Grant(context.Background(), tf, targets) },
		func() (*access.Result, error) { return p.Revoke(context.Background(), []string{"alice"}, targets) },
	} {
		progress = nil
		r, err := run()
		if err != nil || r.Err() != nil {
			t.Fatal(err, r.Err())
		}
		for i, want := range []time.Duration{30 * time.Millisecond, 60 * time.Millisecond} {
			if d := r.Hosts[i].Duration; d < want || d > want+5*time.Second {
				t.Errorf("host %s Duration = %v; want at least %v", r.Hosts[i].Host, d, want)
			}
		}
		for _, d := range progress {
			if d < 30*time.Millisecond {
				t.Errorf("Progress saw Duration %v", d)
			}
		}
	}
}
