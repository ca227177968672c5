package accesstest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
)

// testProvisionKeysInHome grants with keys in ~/.ssh, then switches the
// same users to root-owned keys and back.
func testProvisionKeysInHome(t *testing.T, h access.Host) {
	data := fmt.Sprintf(`teams: {dev: {}}
users:
  - {name: ct_hal, teams: [dev], keys: ["%s"]}
host_groups:
  all: {teams: [dev]}
`, KeyLine(t, "hal"))
	tf, err := access.ParseTeamFile(ctx(t), "team.yaml", []byte(data), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	targets := []access.Target{{Host: h, Groups: []string{"all"}}}
	home, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome})
	root, _ := access.NewProvisioner(access.Options{})
	if r, err := home.Grant(ctx(t), tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	want := access.AuthorizedKeysContent(tf.Users[0])
	a := snapshot(t, h).Account("ct_hal")
	if a.AuthorizedKeys == nil || !bytes.Equal(a.AuthorizedKeys.Content, want) || a.AuthorizedKeys.Mode != 0o600 || a.AuthorizedKeys.Owner != "ct_hal" ||
		a.SSHDir == nil || a.SSHDir.Mode != 0o700 || a.RootKeys != nil || slices.Contains(a.Groups, access.KeysGroup) {
		t.Fatalf("ct_hal = %+v", a)
	}
	if r, _ := home.Grant(ctx(t), tf, targets); r.Changed() {
		t.Fatalf("second grant changed: %v", r.Hosts[0].Changes)
	}
	if r, err := root.Grant(ctx(t), tf, targets); err != nil || r.Err() != nil || !r.Changed() {
		t.Fatalf("grant with root-owned keys: %v %v", err, r.Err())
	}
	a = snapshot(t, h).Account("ct_hal")
	if a.RootKeys == nil || !bytes.Equal(a.RootKeys.Content, want) || !slices.Contains(a.Groups, access.KeysGroup) {
		t.Fatalf("after switching to root-owned keys: %+v", a)
	}
	if r, err := home.Grant(ctx(t), tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant back in home: %v %v", err, r.Err())
	}
	if r, _ := home.Grant(ctx(t), tf, targets); r.Changed() {
		t.Fatalf("keys in home again: still changing %v", r.Hosts[0].Changes)
	}
	a = snapshot(t, h).Account("ct_hal")
	if a.RootKeys != nil || slices.Contains(a.Groups, access.KeysGroup) {
		t.Fatalf("back in home: %+v; want no root-owned keys and no %s", a, access.KeysGroup)
	}
}

// testRootOwnedKeys checks the root-owned key store: the drop-in, the
// group and root-owned files, removed with the user.
func testRootOwnedKeys(t *testing.T, h access.Host) {
	if snapshot(t, h).RootKeysConfigured {
		t.Fatal("fresh host reports root-owned keys configured")
	}
	k := []byte(KeyLine(t, "ivy") + "\n")
	mustApply(t, h, access.Op{Kind: access.OpConfigureRootKeys}, access.Op{Kind: access.OpConfigureRootKeys},
		ensure("ct_ivy", access.KeysGroup), access.Op{Kind: access.OpSetRootKeys, User: "ct_ivy", Content: k})
	st := snapshot(t, h)
	a := st.Account("ct_ivy")
	if !st.RootKeysConfigured || a.RootKeys == nil || !bytes.Equal(a.RootKeys.Content, k) || a.RootKeys.Mode != 0o644 || a.RootKeys.Owner != "root" || a.SSHDir != nil {
		t.Fatalf("configured %v, ct_ivy = %+v", st.RootKeysConfigured, a)
	}
	mustApply(t, h, access.Op{Kind: access.OpSetRootKeys, User: "ct_ivy"})
	if a := snapshot(t, h).Account("ct_ivy"); a.RootKeys != nil {
		t.Fatalf("empty content did not remove the keys: %+v", a.RootKeys)
	}
	mustApply(t, h, access.Op{Kind: access.OpSetRootKeys, User: "ct_ivy", Content: k}, access.Op{Kind: access.OpRemoveUser, User: "ct_ivy"})
	mustApply(t, h, ensure("ct_ivy"))
	if a := snapshot(t, h).Account("ct_ivy"); a.RootKeys != nil {
		t.Fatalf("recreated user inherited root-owned keys: %+v", a.RootKeys)
	}
}

// testShellsListed: the host refuses a shell that is not in its
// /etc/shells (no-login shells aside).
func testShellsListed(t *testing.T, h access.Host) {
	res := apply(t, h,
		access.Op{Kind: access.OpEnsureUser, User: "ct_jay", Shell: "/tmp/evil"},
		access.Op{Kind: access.OpEnsureUser, User: "ct_kim", Shell: "/usr/sbin/nologin"},
		access.Op{Kind: access.OpEnsureUser, User: "ct_lee", Shell: "/bin/dash"})
	if res[0].Err == nil || res[1].Err != nil || res[2].Err != nil {
		t.Fatalf("results %v, %v, %v; want the unlisted shell refused", res[0].Err, res[1].Err, res[2].Err)
	}
	if snapshot(t, h).Account("ct_jay") != nil {
		t.Fatal("account created with an unlisted shell")
	}
}

// testContentValidated: every content a host writes is checked before
// anything runs, whatever the caller passes to Apply.
func testContentValidated(t *testing.T, h access.Host) {
	mustApply(t, h, ensure("ct_mia"))
	for _, op := range []access.Op{
		{Kind: access.OpSetKeys, User: "ct_mia", Content: []byte(`from="10.0.0.1",command="id" ` + KeyLine(t, "x") + "\n")},
		{Kind: access.OpSetRootKeys, User: "ct_mia", Content: []byte("no-pty " + KeyLine(t, "x") + "\n")},
		{Kind: access.OpSetSudoers, User: "ct_mia", Content: []byte("ct_mia ALL=(ALL) ALL\n")},
		{Kind: access.OpSetPrincipals, User: "ct_mia", Content: []byte("a,b\n")},
	} {
		_, err := h.Apply(ctx(t), []access.Op{op})
		if !errors.Is(err, access.ErrInvalidField) && !errors.Is(err, access.ErrKeyOptions) {
			t.Errorf("op %s %.40q: err = %v; want an invalid-input error", op, op.Content, err)
		}
	}
	a := snapshot(t, h).Account("ct_mia")
	if a.AuthorizedKeys != nil || a.RootKeys != nil || a.Sudoers != nil || a.Principals != nil {
		t.Fatalf("an invalid op wrote something: %+v", a)
	}
}

// testKeyFilesReported: the snapshot lists what sshd reads for an account.
func testKeyFilesReported(t *testing.T, h access.Host) {
	k := []byte(KeyLine(t, "ned") + "\n")
	mustApply(t, h, ensure("ct_ned"), access.Op{Kind: access.OpSetKeys, User: "ct_ned", Content: k})
	a := snapshot(t, h).Account("ct_ned")
	var types []string
	for _, kf := range a.KeyFiles {
		types = append(types, strings.TrimPrefix(kf.Path, a.Home+"/")+"="+kf.Type)
		if kf.Path == a.Home+"/.ssh/authorized_keys" && (!bytes.Equal(kf.Content, k) || kf.Size != int64(len(k)) || kf.Truncated) {
			t.Errorf("authorized_keys = %+v", kf)
		}
	}
	if !slices.Contains(types, ".ssh=dir") || !slices.Contains(types, ".ssh/authorized_keys=file") {
		t.Fatalf("key files = %v; want ~/.ssh and ~/.ssh/authorized_keys", types)
	}
}

// testSymlinkedSSHDir: a user links ~/.ssh to root's ~/.ssh and their
// authorized_keys to root's. Writing their keys replaces the link with a
// directory of their own; locking them removes nothing of root's.
func testSymlinkedSSHDir(t *testing.T, hr Harness) {
	ua, ok := hr.(UserActor)
	if !ok {
		t.Skip("harness cannot act as a user (accesstest.UserActor)")
	}
	h := hr.Host()
	k := []byte(KeyLine(t, "oz") + "\n")
	mustApply(t, h, ensure("ct_oz"), access.Op{Kind: access.OpSetKeys, User: "ct_oz", Content: k})
	rootBefore := snapshot(t, h).Account("root").AuthorizedKeys
	if err := ua.Symlink(ctx(t), "ct_oz", "/home/ct_oz/.ssh/authorized_keys", "/root/.ssh/authorized_keys"); err != nil {
		t.Fatal(err)
	}
	a := snapshot(t, h).Account("ct_oz")
	if a.AuthorizedKeys != nil || !slices.ContainsFunc(a.KeyFiles, func(kf access.KeyFile) bool { return kf.Type == "symlink" && len(kf.Content) == 0 }) {
		t.Fatalf("linked authorized_keys = %+v, key files %+v; want a link reported, root's file not read", a.AuthorizedKeys, a.KeyFiles)
	}
	mustApply(t, h, access.Op{Kind: access.OpLockUser, User: "ct_oz"})
	if got := snapshot(t, h).Account("root").AuthorizedKeys; fmt.Sprint(got) != fmt.Sprint(rootBefore) {
		t.Fatalf("locking a user whose authorized_keys links to root's changed root's: %+v", got)
	}
	mustApply(t, h, ensure("ct_oz"))
	if err := ua.Symlink(ctx(t), "ct_oz", "/home/ct_oz/.ssh", "/root/.ssh"); err != nil {
		t.Fatal(err)
	}
	mustApply(t, h, access.Op{Kind: access.OpSetKeys, User: "ct_oz", Content: k})
	a = snapshot(t, h).Account("ct_oz")
	if a.SSHDir == nil || a.SSHDir.Owner != "ct_oz" || a.AuthorizedKeys == nil || !bytes.Equal(a.AuthorizedKeys.Content, k) {
		t.Fatalf("after writing keys over a linked ~/.ssh: dir %+v keys %+v; want the user's own directory and keys", a.SSHDir, a.AuthorizedKeys)
	}
	if got := snapshot(t, h).Account("root").AuthorizedKeys; fmt.Sprint(got) != fmt.Sprint(rootBefore) {
		t.Fatalf("writing keys through a linked ~/.ssh changed root's: %+v", got)
	}
}
