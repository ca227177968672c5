package accesstest

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/opskit-dev/opskit/access"
)

// ReadWatcher is an optional Harness capability: telling whether anything
// read a file's content (on a Linux host, its access time).
type ReadWatcher interface {
	// WatchReads starts watching the regular file p and returns a function
	// that reports whether its content was read since.
	WatchReads(ctx context.Context, p string) (func(context.Context) (bool, error), error)
}

// testSnapshotSkipKeyFiles: a snapshot with SkipKeyFiles reports no home,
// ~/.ssh, authorized_keys or key files, and everything else exactly as a
// full snapshot does; with a ReadWatcher, it is also shown to read no key
// file, where a full snapshot does.
func testSnapshotSkipKeyFiles(t *testing.T, hr Harness) {
	h := hr.Host()
	k := []byte(KeyLine(t, "sk") + "\n")
	mustApply(t, h, ensure("ct_skip", "ct_skipg"),
		access.Op{Kind: access.OpSetKeys, User: "ct_skip", Content: k},
		access.Op{Kind: access.OpSetSudoers, User: "ct_skip", Content: access.SudoersContent("ct_skip")},
		access.Op{Kind: access.OpSetPrincipals, User: "ct_skip", Content: []byte("ct_skip\n")},
		access.Op{Kind: access.OpConfigureRootKeys},
		ensure("ct_skip2", access.KeysGroup),
		access.Op{Kind: access.OpSetRootKeys, User: "ct_skip2", Content: k},
		access.Op{Kind: access.OpTrustCA, Content: []byte(KeyLine(t, "ca") + "\n")},
		ensure("ct_skip3"),
		access.Op{Kind: access.OpLockUser, User: "ct_skip3"})
	keys := "/home/ct_skip/.ssh/authorized_keys"
	var read func(context.Context) (bool, error)
	rw, watch := hr.(ReadWatcher)
	if watch {
		var err error
		if read, err = rw.WatchReads(ctx(t), keys); err != nil {
			t.Fatal(err)
		}
	}
	skip, err := h.Snapshot(ctx(t), access.SnapshotOptions{SkipKeyFiles: true})
	if err != nil {
		t.Fatalf("Snapshot(SkipKeyFiles): %v", err)
	}
	if watch {
		if r, err := read(ctx(t)); err != nil || r {
			t.Errorf("Snapshot(SkipKeyFiles) read %s (read %v, err %v)", keys, r, err)
		}
	}
	full := snapshot(t, h)
	if watch {
		// The watch sees reads: a full snapshot reads the file.
		if r, err := read(ctx(t)); err != nil || !r {
			t.Errorf("full Snapshot: read %s = %v, %v; want true (the watch cannot see reads)", keys, r, err)
		}
	}
	if a := full.Account("ct_skip"); a == nil || a.AuthorizedKeys == nil || a.SSHDir == nil || a.HomeDir == nil || len(a.KeyFiles) == 0 {
		t.Fatalf("full snapshot of ct_skip = %+v; want its home, ~/.ssh and keys", a)
	}
	for _, a := range skip.Accounts {
		if a.HomeDir != nil || a.SSHDir != nil || a.AuthorizedKeys != nil || a.KeyFiles != nil {
			t.Errorf("Snapshot(SkipKeyFiles) reported %s's home files: home %v, .ssh %v, authorized_keys %v, key files %d",
				a.Name, a.HomeDir, a.SSHDir, a.AuthorizedKeys, len(a.KeyFiles))
		}
	}
	for i := range full.Accounts {
		a := &full.Accounts[i]
		a.HomeDir, a.SSHDir, a.AuthorizedKeys, a.KeyFiles = nil, nil, nil, nil
	}
	if !reflect.DeepEqual(full, skip) {
		t.Errorf("Snapshot(SkipKeyFiles) differs from a full one beyond key files:\nskip %s\nfull %s", dump(skip), dump(full))
	}
	if a := skip.Account("ct_skip"); a == nil || a.Sudoers == nil || a.Principals == nil || !a.Managed || fmt.Sprint(a.Groups) != "[ct_skipg]" {
		t.Errorf("Snapshot(SkipKeyFiles) ct_skip = %+v; want sudoers, principals, managed, group ct_skipg", a)
	}
	if a := skip.Account("ct_skip2"); a == nil || a.RootKeys == nil || !skip.RootKeysConfigured || skip.TrustedCAKeys == nil {
		t.Errorf("Snapshot(SkipKeyFiles) ct_skip2 = %+v, root keys configured %v, CA %q", a, skip.RootKeysConfigured, skip.TrustedCAKeys)
	}
	if a := skip.Account("ct_skip3"); a == nil || !a.Locked || a.Expires != "1970-01-02" {
		t.Errorf("Snapshot(SkipKeyFiles) ct_skip3 = %+v; want locked and expired", a)
	}
}

// dump prints a state's accounts one per line.
func dump(st *access.HostState) string {
	s := fmt.Sprintf("CA %q revoked %q rootkeys %v\n", st.TrustedCAKeys, st.RevokedKeys, st.RootKeysConfigured)
	for _, a := range st.Accounts {
		s += fmt.Sprintf("  %+v\n", a)
	}
	return s
}
