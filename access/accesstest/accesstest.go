// Package accesstest is the conformance suite for access.Host
// implementations: every rule the Host interface's doc lists has a case.
// The fake host (access/accessfake) and the SSH host (access/sshhost) both
// pass it, and so must any host a user writes. Run it from a test with your
// own Harness:
//
//	func TestConformance(t *testing.T) {
//		accesstest.Run(t, func(t *testing.T) accesstest.Harness { return myHarness{t} })
//	}
package accesstest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"golang.org/x/crypto/ssh"
)

// Harness gives the suite one fresh host under test. Hosts may offer
// optional capabilities (UserActor, Chowner, Unreachabler, ReadWatcher);
// cases that need one are skipped for harnesses without it, or check less.
type Harness interface {
	// Host returns the host under test, with a root account that opskit
	// does not manage and that has keys in /root/.ssh/authorized_keys.
	// Cleanup belongs to the harness.
	Host() access.Host
}

// HarnessMaker returns a harness with a fresh host for one case.
type HarnessMaker func(t *testing.T) Harness

// UserActor is an optional Harness capability: acting as one of the host's
// users, as a hostile user would.
type UserActor interface {
	// Symlink makes p a symbolic link to target, acting as user.
	Symlink(ctx context.Context, user, p, target string) error
}

// Chowner is an optional Harness capability: changing a path's owner as
// root would, outside opskit (an operator, a restored backup, a leftover
// home of an earlier account).
type Chowner interface {
	// Chown gives p (not following a link) to owner:group.
	Chown(ctx context.Context, p, owner, group string) error
}

// Unreachabler is an optional Harness capability: a host of the same kind
// that cannot be reached (nothing listens at its address, or it is down).
type Unreachabler interface {
	// Unreachable returns a host that cannot be reached.
	Unreachable(t *testing.T) access.Host
}

type testCase struct {
	name string
	fn   func(t *testing.T, h access.Host)
	// harness cases get the harness itself, for its capabilities.
	harness func(t *testing.T, hr Harness)
}

func cases() []testCase {
	return []testCase{
		{name: "Baseline", fn: testBaseline},
		{name: "CreateUser", fn: testCreateUser},
		{name: "AuthorizedKeys", fn: testAuthorizedKeys},
		{name: "KeySetReplacedExactly", fn: testKeySetReplacedExactly},
		{name: "GroupRemoved", fn: testGroupRemoved},
		{name: "ExpiryInPast", fn: testExpiryInPast},
		{name: "Sudoers", fn: testSudoers},
		{name: "RemoveUser", fn: testRemoveUser},
		{name: "LockUser", fn: testLockUser},
		{name: "NotManaged", fn: testNotManaged},
		{name: "OpsIndependent", fn: testOpsIndependent},
		{name: "ConcurrentApplies", fn: testConcurrentApplies},
		{name: "InvalidOpsRejected", fn: testInvalidOps},
		{name: "CertificateFiles", fn: testCertificateFiles},
		{name: "Facts", fn: testFacts},
		{name: "ProvisionIdempotent", fn: testProvisionIdempotent},
		{name: "ProvisionKeysInHome", fn: testProvisionKeysInHome},
		{name: "RootOwnedKeys", fn: testRootOwnedKeys},
		{name: "ShellsListed", fn: testShellsListed},
		{name: "ContentValidated", fn: testContentValidated},
		{name: "KeyFilesReported", fn: testKeyFilesReported},
		{name: "SymlinkedSSHDir", harness: testSymlinkedSSHDir},
		{name: "HomeOwnedByOther", harness: testHomeOwnedByOther},
		{name: "UnreachableHost", harness: testUnreachableHost},
		{name: "UserNamedLikeGroup", fn: testUserNamedLikeGroup},
		{name: "FactsPerConnection", fn: testFactsPerConnection},
		{name: "HomeDirReported", fn: testHomeDirReported},
		{name: "SnapshotSkipKeyFiles", harness: testSnapshotSkipKeyFiles},
	}
}

// Run runs every case as a subtest of t, each on the host of a fresh
// harness.
func Run(t *testing.T, newHarness HarnessMaker) {
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			hr := newHarness(t)
			if c.harness != nil {
				c.harness(t, hr)
				return
			}
			c.fn(t, hr.Host())
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func snapshot(t *testing.T, h access.Host) *access.HostState {
	t.Helper()
	st, err := h.Snapshot(ctx(t), access.SnapshotOptions{})
	if err != nil {
		t.Fatalf("Snapshot: %v", err)
	}
	return st
}

func apply(t *testing.T, h access.Host, ops ...access.Op) []access.OpResult {
	t.Helper()
	res, err := h.Apply(ctx(t), ops)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if len(res) != len(ops) {
		t.Fatalf("Apply returned %d results for %d ops", len(res), len(ops))
	}
	return res
}

func mustApply(t *testing.T, h access.Host, ops ...access.Op) {
	t.Helper()
	for _, r := range apply(t, h, ops...) {
		if r.Err != nil {
			t.Fatalf("op %s: %v", r.Op, r.Err)
		}
	}
}

// KeyLine returns a fresh ed25519 authorized_keys line.
func KeyLine(t testing.TB, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, _ := ssh.NewPublicKey(pub)
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " " + comment
}

func ensure(name string, groups ...string) access.Op {
	return access.Op{Kind: access.OpEnsureUser, User: name, Shell: "/bin/bash", Groups: groups}
}

func testBaseline(t *testing.T, h access.Host) {
	if h.Name() == "" {
		t.Error("Name is empty")
	}
	st := snapshot(t, h)
	root := st.Account("root")
	if root == nil || root.UID != 0 || root.Managed {
		t.Fatalf("root = %+v; want uid 0, not managed", root)
	}
	for _, a := range st.Accounts {
		if a.Managed {
			t.Errorf("fresh host has managed account %s", a.Name)
		}
	}
}

func testCreateUser(t *testing.T, h access.Host) {
	mustApply(t, h, access.Op{Kind: access.OpEnsureUser, User: "ct_alice", Shell: "/bin/sh", Groups: []string{"ct_devs", "adm"}, AllowPrivileged: []string{"adm"}, Expires: "2099-12-31"})
	a := snapshot(t, h).Account("ct_alice")
	if a == nil {
		t.Fatal("user not created")
	}
	if !a.Managed || a.UID < 1000 || a.Shell != "/bin/sh" || a.Home != "/home/ct_alice" || a.Locked || a.Expires != "2099-12-31" {
		t.Fatalf("account = %+v", a)
	}
	if fmt.Sprint(a.Groups) != "[adm ct_devs]" {
		t.Fatalf("groups = %v; want [adm ct_devs]", a.Groups)
	}
	// Update: shell, groups and expiry change; running it twice is harmless.
	up := access.Op{Kind: access.OpEnsureUser, User: "ct_alice", Shell: "/bin/bash", Groups: []string{"ct_devs"}}
	mustApply(t, h, up, up)
	a = snapshot(t, h).Account("ct_alice")
	if a.Shell != "/bin/bash" || fmt.Sprint(a.Groups) != "[ct_devs]" || a.Expires != "" {
		t.Fatalf("after update: %+v", a)
	}
}

func testAuthorizedKeys(t *testing.T, h access.Host) {
	mustApply(t, h, ensure("ct_bob"))
	k1 := []byte(KeyLine(t, "one") + "\n")
	mustApply(t, h, access.Op{Kind: access.OpSetKeys, User: "ct_bob", Content: k1})
	a := snapshot(t, h).Account("ct_bob")
	if a.SSHDir == nil || a.SSHDir.Mode != 0o700 || a.SSHDir.Owner != "ct_bob" {
		t.Fatalf(".ssh = %+v; want 0700 owned by ct_bob", a.SSHDir)
	}
	f := a.AuthorizedKeys
	if f == nil || !bytes.Equal(f.Content, k1) || f.Mode != 0o600 || f.Owner != "ct_bob" || f.Group != "ct_bob" {
		t.Fatalf("authorized_keys = %+v; want the keys, 0600, ct_bob:ct_bob", f)
	}
	k2 := []byte(KeyLine(t, "two") + "\n" + KeyLine(t, "three") + "\n")
	mustApply(t, h, access.Op{Kind: access.OpSetKeys, User: "ct_bob", Content: k2})
	if got := snapshot(t, h).Account("ct_bob").AuthorizedKeys; !bytes.Equal(got.Content, k2) || got.Mode != 0o600 {
		t.Fatalf("replaced authorized_keys = %q %v", got.Content, got.Mode)
	}
	res := apply(t, h, access.Op{Kind: access.OpSetKeys, User: "ct_nobody", Content: k1})
	if res[0].Err == nil {
		t.Fatal("keys for a missing user succeeded")
	}
}

func testSudoers(t *testing.T, h access.Host) {
	mustApply(t, h, ensure("ct_carol"))
	good := access.SudoersContent("ct_carol")
	mustApply(t, h, access.Op{Kind: access.OpSetSudoers, User: "ct_carol", Content: good})
	s := snapshot(t, h).Account("ct_carol").Sudoers
	if s == nil || !bytes.Equal(s.Content, good) || s.Mode != 0o440 || s.Owner != "root" {
		t.Fatalf("sudoers = %+v; want content, 0440, root", s)
	}
	// Sudoers content is generated, never free text: anything else is
	// refused before the host runs a thing.
	bad := []byte("ct_carol ALL=(ALL NOPASSWD ALL garbage(\n")
	if _, err := h.Apply(ctx(t), []access.Op{{Kind: access.OpSetSudoers, User: "ct_carol", Content: bad}}); !errors.Is(err, access.ErrInvalidField) {
		t.Fatalf("invalid sudoers: err = %v; want ErrInvalidField", err)
	}
	if s := snapshot(t, h).Account("ct_carol").Sudoers; s == nil || !bytes.Equal(s.Content, good) {
		t.Fatalf("invalid sudoers replaced the valid one: %+v", s)
	}
	mustApply(t, h, access.Op{Kind: access.OpSetSudoers, User: "ct_carol"})
	if s := snapshot(t, h).Account("ct_carol").Sudoers; s != nil {
		t.Fatalf("sudoers not removed: %+v", s)
	}
}

func testRemoveUser(t *testing.T, h access.Host) {
	mustApply(t, h, ensure("ct_dave", "ct_rm"),
		access.Op{Kind: access.OpSetKeys, User: "ct_dave", Content: []byte(KeyLine(t, "d") + "\n")},
		access.Op{Kind: access.OpSetSudoers, User: "ct_dave", Content: access.SudoersContent("ct_dave")},
		access.Op{Kind: access.OpSetPrincipals, User: "ct_dave", Content: []byte("ct_dave\n")})
	mustApply(t, h, access.Op{Kind: access.OpRemoveUser, User: "ct_dave"})
	st := snapshot(t, h)
	if a := st.Account("ct_dave"); a != nil {
		t.Fatalf("user still there: %+v", a)
	}
	// Removing again, or a user that never existed, succeeds.
	mustApply(t, h, access.Op{Kind: access.OpRemoveUser, User: "ct_dave"}, access.Op{Kind: access.OpRemoveUser, User: "ct_never"})
	// A new user with the same name starts clean.
	mustApply(t, h, ensure("ct_dave"))
	a := snapshot(t, h).Account("ct_dave")
	if a == nil || a.AuthorizedKeys != nil || a.Sudoers != nil || a.Principals != nil {
		t.Fatalf("recreated user inherited files: %+v", a)
	}

	// Removals in one Apply, with other ops between them and a refused one
	// among them, keep their order and their own results.
	mustApply(t, h, ensure("ct_rm1", "ct_rm"), ensure("ct_rm2", "ct_rm"), ensure("ct_rm3", "ct_rm"))
	keys := []byte(KeyLine(t, "rm3") + "\n")
	res := apply(t, h,
		access.Op{Kind: access.OpRemoveUser, User: "ct_rm1"},
		access.Op{Kind: access.OpRemoveUser, User: "root"},
		ensure("ct_rm4"),
		access.Op{Kind: access.OpRemoveUser, User: "ct_rm2"},
		access.Op{Kind: access.OpRemoveUser, User: "ct_rm4"},
		access.Op{Kind: access.OpSetKeys, User: "ct_rm3", Content: keys},
	)
	for i, r := range res {
		switch {
		case i == 1 && !errors.Is(r.Err, access.ErrNotManaged):
			t.Errorf("op %d (%s): err = %v; want ErrNotManaged", i, r.Op, r.Err)
		case i != 1 && r.Err != nil:
			t.Errorf("op %d (%s): %v", i, r.Op, r.Err)
		}
	}
	st = snapshot(t, h)
	for _, gone := range []string{"ct_rm1", "ct_rm2", "ct_rm4"} {
		if a := st.Account(gone); a != nil {
			t.Errorf("%s still there: %+v", gone, a)
		}
	}
	if a := st.Account("ct_rm3"); a == nil || a.AuthorizedKeys == nil || !bytes.Equal(a.AuthorizedKeys.Content, keys) || !slices.Equal(a.Groups, []string{"ct_rm"}) {
		t.Errorf("ct_rm3 = %+v; want its keys and group ct_rm", a)
	}
	if st.Account("root") == nil {
		t.Fatal("root removed")
	}
	// Memberships go with the account: recreated without groups, a removed
	// user is in none.
	mustApply(t, h, ensure("ct_rm1"))
	if a := snapshot(t, h).Account("ct_rm1"); a == nil || len(a.Groups) != 0 {
		t.Errorf("recreated ct_rm1 = %+v; want no groups", a)
	}
}

func testLockUser(t *testing.T, h access.Host) {
	mustApply(t, h, ensure("ct_erin"),
		access.Op{Kind: access.OpSetKeys, User: "ct_erin", Content: []byte(KeyLine(t, "e") + "\n")},
		access.Op{Kind: access.OpSetRootKeys, User: "ct_erin", Content: []byte(KeyLine(t, "e2") + "\n")},
		access.Op{Kind: access.OpSetPrincipals, User: "ct_erin", Content: []byte("ct_erin\n")},
		access.Op{Kind: access.OpSetSudoers, User: "ct_erin", Content: access.SudoersContent("ct_erin")})
	mustApply(t, h, access.Op{Kind: access.OpLockUser, User: "ct_erin"})
	a := snapshot(t, h).Account("ct_erin")
	if a == nil || !a.Locked || a.Expires != "1970-01-02" || a.AuthorizedKeys != nil || a.RootKeys != nil || a.Principals != nil || a.Sudoers != nil {
		t.Fatalf("locked account = %+v", a)
	}
	mustApply(t, h, ensure("ct_erin"))
	if a := snapshot(t, h).Account("ct_erin"); a.Locked || a.Expires != "" {
		t.Fatalf("re-granted account still locked: %+v", a)
	}
}

func testNotManaged(t *testing.T, h access.Host) {
	before := snapshot(t, h).Account("root")
	res := apply(t, h,
		ensure("root"),
		access.Op{Kind: access.OpSetKeys, User: "root", Content: []byte(KeyLine(t, "x") + "\n")},
		access.Op{Kind: access.OpSetRootKeys, User: "root", Content: []byte(KeyLine(t, "x") + "\n")},
		access.Op{Kind: access.OpSetPrincipals, User: "root", Content: []byte("root\n")},
		access.Op{Kind: access.OpSetSudoers, User: "root", Content: access.SudoersContent("root")},
		access.Op{Kind: access.OpSetKeys, User: "daemon", Content: []byte(KeyLine(t, "x") + "\n")},
		access.Op{Kind: access.OpLockUser, User: "root"},
		access.Op{Kind: access.OpRemoveUser, User: "root"},
		access.Op{Kind: access.OpRemoveUser, User: "daemon"},
	)
	for _, r := range res {
		if !errors.Is(r.Err, access.ErrNotManaged) {
			t.Errorf("op %s: err = %v; want ErrNotManaged", r.Op, r.Err)
		}
	}
	after := snapshot(t, h).Account("root")
	if after == nil || after.Shell != before.Shell || after.Locked != before.Locked || fmt.Sprint(after.AuthorizedKeys) != fmt.Sprint(before.AuthorizedKeys) ||
		after.RootKeys != nil || after.Principals != nil || after.Sudoers != nil {
		t.Fatalf("root changed: before %+v after %+v", before, after)
	}
}

func testOpsIndependent(t *testing.T, h access.Host) {
	res := apply(t, h,
		access.Op{Kind: access.OpSetKeys, User: "ct_ghost", Content: []byte(KeyLine(t, "k") + "\n")},
		ensure("ct_frank"),
	)
	if res[0].Err == nil || res[1].Err != nil {
		t.Fatalf("results = %v, %v; want an error then success", res[0].Err, res[1].Err)
	}
	if snapshot(t, h).Account("ct_frank") == nil {
		t.Fatal("the op after a failing one did not run")
	}
}

func testInvalidOps(t *testing.T, h access.Host) {
	for _, op := range []access.Op{
		{Kind: access.OpEnsureUser, User: "x;touch /tmp/p", Shell: "/bin/sh"},
		{Kind: access.OpEnsureUser, User: "-rf", Shell: "/bin/sh"},
		{Kind: access.OpEnsureUser, User: "ok", Shell: "/bin/sh; id"},
		{Kind: access.OpEnsureUser, User: "ok", Shell: "/bin/sh", Groups: []string{"a b"}},
		{Kind: access.OpEnsureUser, User: "ok", Shell: "/bin/sh", Expires: "$(id)"},
		{Kind: access.OpSetKeys, User: "a\nb", Content: []byte("k")},
		{Kind: "rm", User: "ok"},
		{Kind: access.OpEnsureUser, User: "ok", Shell: "/bin/sh", Groups: []string{"shadow"}},
		{Kind: access.OpEnsureUser, User: "ok", Shell: "/bin/sh", Groups: []string{"docker"}, AllowPrivileged: []string{"disk"}},
		{Kind: access.OpSetKeys, User: "ok", Content: []byte(`command="/bin/sh" ` + KeyLine(t, "opt") + "\n")},
		{Kind: access.OpSetKeys, User: "ok", Content: []byte(KeyLine(t, "x") + "\n" + "not a key\n")},
		{Kind: access.OpSetKeys, User: "ok", Content: []byte(KeyLine(t, strings.Repeat("c", 1<<20-200)) + "\n")},
		{Kind: access.OpSetRootKeys, User: "ok", Content: []byte(KeyLine(t, "nonl"))},
		{Kind: access.OpSetSudoers, User: "ok", Content: []byte("daemon ALL=(ALL) NOPASSWD: ALL\n")},
		{Kind: access.OpSetSudoers, User: "ok", Content: []byte("ok ALL=(ALL) NOPASSWD: ALL\n")},
		{Kind: access.OpSetPrincipals, User: "ok", Content: []byte("root admin\n")},
		{Kind: access.OpConfigureRootKeys, User: "ok"},
	} {
		// A batch with one invalid op is rejected whole, before anything runs.
		_, err := h.Apply(ctx(t), []access.Op{ensure("ct_valid"), op})
		if err == nil {
			t.Errorf("op %+v accepted", op)
		}
	}
	if snapshot(t, h).Account("ct_valid") != nil {
		t.Fatal("a batch with an invalid op was half-applied")
	}
}

func testCertificateFiles(t *testing.T, h access.Host) {
	ca := []byte(KeyLine(t, "ca") + "\n")
	mustApply(t, h, access.Op{Kind: access.OpTrustCA, Content: ca})
	st := snapshot(t, h)
	if !bytes.Equal(st.TrustedCAKeys, ca) || st.RevokedKeys == nil || len(st.RevokedKeys) != 0 {
		t.Fatalf("CA = %q revoked = %q; want the CA and an empty revoked list", st.TrustedCAKeys, st.RevokedKeys)
	}
	rev := []byte(KeyLine(t, "lost") + "\n")
	mustApply(t, h, ensure("ct_gina"),
		access.Op{Kind: access.OpSetRevokedKeys, Content: rev},
		access.Op{Kind: access.OpSetPrincipals, User: "ct_gina", Content: []byte("ct_gina\nops\n")})
	st = snapshot(t, h)
	p := st.Account("ct_gina").Principals
	if !bytes.Equal(st.RevokedKeys, rev) || p == nil || string(p.Content) != "ct_gina\nops\n" || p.Mode != 0o644 || p.Owner != "root" {
		t.Fatalf("revoked = %q principals = %+v", st.RevokedKeys, p)
	}
	f, err := h.Facts(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.SSHD["trustedusercakeys"]; len(got) != 1 || got[0] == "none" {
		t.Fatalf("sshd trustedusercakeys = %v after OpTrustCA", got)
	}
}

func testFacts(t *testing.T, h access.Host) {
	f, err := h.Facts(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if f.SSHDError != "" {
		t.Fatalf("SSHDError = %q", f.SSHDError)
	}
	for _, k := range []string{"permitrootlogin", "passwordauthentication", "maxauthtries", "ciphers", "kexalgorithms", "macs", "x11forwarding"} {
		if len(f.SSHD[k]) == 0 {
			t.Errorf("sshd setting %s missing", k)
		}
	}
	if f.SSHD["passwordauthentication"][0] != "no" {
		t.Errorf("passwordauthentication = %v; the test hosts have it off", f.SSHD["passwordauthentication"])
	}
}

func testProvisionIdempotent(t *testing.T, h access.Host) {
	data := fmt.Sprintf(`teams: {dev: {}, ops: {}}
users:
  - {name: ct_ann, teams: [dev], keys: ["%s"], sudo: true}
  - {name: ct_ben, teams: [ops], keys: ["%s"], groups: [adm], privileged_groups: [adm]}
host_groups:
  all: {teams: [dev, ops]}
`, KeyLine(t, "ann"), KeyLine(t, "ben"))
	tf, err := access.ParseTeamFile(ctx(t), "team.yaml", []byte(data), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := access.NewProvisioner(access.Options{})
	targets := []access.Target{{Host: h, Groups: []string{"all"}}}
	plan, err := p.Plan(ctx(t), tf, targets)
	// Two users, each created with root-owned keys, one with sudo, and
	// sshd told once where the keys are: 6 changes.
	if err != nil || plan.Err() != nil || len(plan.Hosts[0].Changes) != 6 || plan.Hosts[0].Applied {
		t.Fatalf("plan = %+v, %v", plan, err)
	}
	if snapshot(t, h).Account("ct_ann") != nil {
		t.Fatal("Plan applied changes")
	}
	r, err := p.Grant(ctx(t), tf, targets)
	if err != nil || r.Err() != nil || !r.Changed() {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	r, err = p.Grant(ctx(t), tf, targets)
	if err != nil || r.Err() != nil || r.Changed() {
		t.Fatalf("second grant: changed=%v err=%v %v; want no change", r.Changed(), err, r.Err())
	}
	if !strings.Contains(r.Summary(), "no change") {
		t.Fatalf("summary %q does not say no change", r.Summary())
	}
	st0 := snapshot(t, h)
	a := st0.Account("ct_ann")
	if !st0.RootKeysConfigured || a.RootKeys == nil || a.RootKeys.Mode != fs.FileMode(0o644) || a.RootKeys.Owner != "root" ||
		!slices.Contains(a.Groups, access.KeysGroup) || a.AuthorizedKeys != nil || a.Sudoers == nil {
		t.Fatalf("ct_ann = %+v (root keys configured: %v)", a, st0.RootKeysConfigured)
	}
	tf.Users = tf.Users[:1]
	r, err = p.Reconcile(ctx(t), tf, targets)
	if err != nil || r.Err() != nil || len(r.Hosts[0].Changes) != 1 {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
	if snapshot(t, h).Account("ct_ben") != nil {
		t.Fatal("reconcile kept a user the team file dropped")
	}
	r, _ = p.Reconcile(ctx(t), tf, targets)
	if r.Changed() {
		t.Fatalf("second reconcile changed: %+v", r.Hosts[0].Changes)
	}
	// Revoking an account opskit does not manage is an error, and root
	// stays as it was.
	r, err = p.Revoke(ctx(t), []string{"root", "ct_ann"}, targets)
	if err != nil || !errors.Is(r.Err(), access.ErrNotManaged) {
		t.Fatalf("revoke root: %v %v; want ErrNotManaged", err, r.Err())
	}
	st := snapshot(t, h)
	if st.Account("root") == nil || st.Account("ct_ann") != nil {
		t.Fatal("revoke touched root or skipped the managed user")
	}
}
