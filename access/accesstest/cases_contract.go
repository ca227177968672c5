package accesstest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
)

// testKeySetReplacedExactly: a changed key set replaces the old one
// exactly, in both key stores: no old key survives, no new one is missing.
func testKeySetReplacedExactly(t *testing.T, h access.Host) {
	a, b, c := KeyLine(t, "ka"), KeyLine(t, "kb"), KeyLine(t, "kc")
	team := func(keys ...string) *access.TeamFile {
		t.Helper()
		data := fmt.Sprintf("teams: {dev: {}}\nusers:\n  - {name: ct_kset, teams: [dev], keys: [%s]}\nhost_groups:\n  all: {teams: [dev]}\n",
			`"`+strings.Join(keys, `", "`)+`"`)
		tf, err := access.ParseTeamFile(ctx(t), "team.yaml", []byte(data), access.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return tf
	}
	targets := []access.Target{{Host: h, Groups: []string{"all"}}}
	for _, mode := range []access.KeyStore{access.KeysRootOwned, access.KeysInHome} {
		p, _ := access.NewProvisioner(access.Options{Keys: mode})
		for _, keys := range [][]string{{a, b}, {b, c}, {c}} {
			if r, err := p.Grant(ctx(t), team(keys...), targets); err != nil || r.Err() != nil {
				t.Fatalf("keys %v: grant: %v %v", mode, err, r.Err())
			}
			acc := snapshot(t, h).Account("ct_kset")
			f := acc.RootKeys
			if mode == access.KeysInHome {
				f = acc.AuthorizedKeys
			}
			if f == nil {
				t.Fatalf("keys %v: no key file", mode)
			}
			var got []string
			for _, line := range strings.Split(string(f.Content), "\n") {
				if line != "" && !strings.HasPrefix(line, "#") {
					got = append(got, line)
				}
			}
			if !slices.Equal(got, keys) {
				t.Fatalf("keys %v after granting %d keys: %q; want exactly %q", mode, len(keys), got, keys)
			}
		}
	}
}

// testGroupRemoved: a group dropped from a user's groups is left, and only
// that one.
func testGroupRemoved(t *testing.T, h access.Host) {
	mustApply(t, h, ensure("ct_grp", "ct_g1", "ct_g2", "ct_g3"), ensure("ct_grp2", "ct_g2"))
	mustApply(t, h, ensure("ct_grp", "ct_g1", "ct_g3"))
	st := snapshot(t, h)
	if a := st.Account("ct_grp"); a == nil || !slices.Equal(a.Groups, []string{"ct_g1", "ct_g3"}) {
		t.Fatalf("ct_grp = %+v; want groups [ct_g1 ct_g3]", a)
	}
	if a := st.Account("ct_grp2"); a == nil || !slices.Equal(a.Groups, []string{"ct_g2"}) {
		t.Fatalf("ct_grp2 = %+v; want it still in ct_g2", a)
	}
	mustApply(t, h, ensure("ct_grp"))
	if a := snapshot(t, h).Account("ct_grp"); len(a.Groups) != 0 {
		t.Fatalf("ct_grp groups = %v; want none", a.Groups)
	}
}

// testExpiryInPast: an expiry date in the past is set as the account's
// expiry (so the host refuses the login), and a team file user whose
// expiry has passed loses access on the next reconcile.
func testExpiryInPast(t *testing.T, h access.Host) {
	mustApply(t, h, access.Op{Kind: access.OpEnsureUser, User: "ct_old", Shell: "/bin/bash", Expires: "2001-02-03"})
	if a := snapshot(t, h).Account("ct_old"); a == nil || a.Expires != "2001-02-03" {
		t.Fatalf("ct_old = %+v; want expiry 2001-02-03", a)
	}
	data := func(expires string) []byte {
		return []byte(fmt.Sprintf("teams: {dev: {}}\nusers:\n  - {name: ct_exp, teams: [dev], keys: [%q], expires: %s}\nhost_groups:\n  all: {teams: [dev]}\n",
			KeyLine(t, "exp"), expires))
	}
	targets := []access.Target{{Host: h, Groups: []string{"all"}}}
	p, _ := access.NewProvisioner(access.Options{})
	future := time.Now().AddDate(1, 0, 0).Format("2006-01-02")
	tf, err := access.ParseTeamFile(ctx(t), "team.yaml", data(future), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := p.Grant(ctx(t), tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	if a := snapshot(t, h).Account("ct_exp"); a == nil || a.Expires != future || a.RootKeys == nil {
		t.Fatalf("ct_exp = %+v; want expiry %s and keys", a, future)
	}
	tf, err = access.ParseTeamFile(ctx(t), "team.yaml", data("2001-02-03"), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := p.Reconcile(ctx(t), tf, targets); err != nil || r.Err() != nil || !r.Changed() {
		t.Fatalf("reconcile after expiry: %v %v", err, r.Err())
	}
	if a := snapshot(t, h).Account("ct_exp"); a != nil && (!a.Locked || a.Expires == "" || a.Expires >= time.Now().Format("2006-01-02") || a.RootKeys != nil) {
		t.Fatalf("expired ct_exp = %+v; want it gone or locked, expired and without keys", a)
	}
}

// testConcurrentApplies: Applies running at the same time on one host,
// sharing groups, all succeed and all take effect.
func testConcurrentApplies(t *testing.T, h access.Host) {
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("ct_cc%d", i)
			res, err := h.Apply(ctx(t), []access.Op{
				ensure(user, "ct_ccshared", fmt.Sprintf("ct_ccown%d", i)),
				{Kind: access.OpSetRootKeys, User: user, Content: []byte(KeyLine(t, user) + "\n")},
			})
			if err == nil {
				for _, r := range res {
					err = errors.Join(err, r.Err)
				}
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("apply %d: %v", i, err)
		}
	}
	st := snapshot(t, h)
	for i := range n {
		user := fmt.Sprintf("ct_cc%d", i)
		a := st.Account(user)
		if a == nil || !slices.Equal(a.Groups, []string{"ct_ccown" + fmt.Sprint(i), "ct_ccshared"}) || a.RootKeys == nil {
			t.Errorf("%s = %+v; want its groups and keys", user, a)
		}
	}
}

// testHomeOwnedByOther: a managed user whose home belongs to someone else
// (root here) gets no keys written there, since keys in a home are written
// as the user; the host still snapshots, locks and removes the user.
func testHomeOwnedByOther(t *testing.T, hr Harness) {
	ch, ok := hr.(Chowner)
	if !ok {
		t.Skip("harness cannot change owners (accesstest.Chowner)")
	}
	h := hr.Host()
	mustApply(t, h, ensure("ct_pat"))
	if err := ch.Chown(ctx(t), "/home/ct_pat", "root", "root"); err != nil {
		t.Fatal(err)
	}
	res := apply(t, h, access.Op{Kind: access.OpSetKeys, User: "ct_pat", Content: []byte(KeyLine(t, "pat") + "\n")})
	if res[0].Err == nil {
		t.Fatal("keys written in a home the user does not own")
	}
	a := snapshot(t, h).Account("ct_pat")
	if a == nil || a.AuthorizedKeys != nil || a.SSHDir != nil {
		t.Fatalf("ct_pat = %+v; want no ~/.ssh", a)
	}
	// Root-owned keys do not depend on the home.
	k := []byte(KeyLine(t, "pat2") + "\n")
	mustApply(t, h, access.Op{Kind: access.OpSetRootKeys, User: "ct_pat", Content: k})
	if a := snapshot(t, h).Account("ct_pat"); a.RootKeys == nil || !bytes.Equal(a.RootKeys.Content, k) {
		t.Fatalf("root-owned keys = %+v", a.RootKeys)
	}
	mustApply(t, h, access.Op{Kind: access.OpLockUser, User: "ct_pat"})
	mustApply(t, h, access.Op{Kind: access.OpRemoveUser, User: "ct_pat"})
	if a := snapshot(t, h).Account("ct_pat"); a != nil {
		t.Fatalf("ct_pat still there: %+v", a)
	}
}

// testUnreachableHost: a host that cannot be reached fails every call with
// an error matching access.ErrHost that names it, and a Provisioner reports
// it in that host's result.
func testUnreachableHost(t *testing.T, hr Harness) {
	u, ok := hr.(Unreachabler)
	if !ok {
		t.Skip("harness has no unreachable host (accesstest.Unreachabler)")
	}
	h := u.Unreachable(t)
	for _, o := range []access.SnapshotOptions{{}, {SkipKeyFiles: true}} {
		if _, err := h.Snapshot(ctx(t), o); !errors.Is(err, access.ErrHost) || !strings.Contains(err.Error(), h.Name()) {
			t.Errorf("Snapshot(%+v): %v; want ErrHost naming %s", o, err, h.Name())
		}
	}
	if _, err := h.Apply(ctx(t), []access.Op{ensure("ct_none")}); !errors.Is(err, access.ErrHost) {
		t.Errorf("Apply: %v; want ErrHost", err)
	}
	if _, err := h.Facts(ctx(t)); !errors.Is(err, access.ErrHost) {
		t.Errorf("Facts: %v; want ErrHost", err)
	}
	tf, err := access.ParseTeamFile(ctx(t), "team.yaml", []byte("teams: {dev: {}}\nhost_groups:\n  all: {teams: [dev]}\n"), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := access.NewProvisioner(access.Options{})
	r, err := p.Grant(ctx(t), tf, []access.Target{{Host: h, Groups: []string{"all"}}})
	if err != nil || len(r.Hosts) != 1 || !errors.Is(r.Hosts[0].Err, access.ErrHost) || r.Changed() {
		t.Fatalf("grant on an unreachable host: %+v, %v; want the host's result to carry ErrHost", r, err)
	}
}
