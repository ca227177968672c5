package access_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
)

// matchBlocks enable root login from 10/8, passwords for alice from
// anywhere and empty passwords for alice from 192.168/16: none of it is
// visible in the global sshd -T.
const matchBlocks = `Match Address 10.0.0.0/8
    PermitRootLogin yes
Match User alice
    PasswordAuthentication yes
Match User alice Address 192.168.0.0/16
    PermitEmptyPasswords yes
`

func checkMatchFindings(t *testing.T, fs []access.Finding, broken bool) {
	t.Helper()
	m := statuses(fs)
	// The global checks see none of it.
	for _, k := range []string{"access.host.sshd.permit_root_login", "access.host.sshd.password_authentication", "access.host.sshd.permit_empty_passwords"} {
		wantStatus(t, m, k, access.StatusPass)
	}
	if !broken {
		for _, k := range []string{"access.host.sshd.match.permit_root_login/root", "access.host.sshd.match.password_authentication/root",
			"access.host.sshd.match.password_authentication/alice", "access.host.sshd.match.permit_empty_passwords/alice"} {
			wantStatus(t, m, k, access.StatusPass)
		}
		return
	}
	for _, k := range []string{"access.host.sshd.match.permit_root_login/root", "access.host.sshd.match.password_authentication/alice", "access.host.sshd.match.permit_empty_passwords/alice"} {
		wantStatus(t, m, k, access.StatusFail)
	}
	wantStatus(t, m, "access.host.sshd.match.password_authentication/root", access.StatusPass)
	if _, ok := m["access.host.sshd.match.permit_root_login/alice"]; ok {
		t.Error("root login check reported on alice")
	}
	if ev := m["access.host.sshd.match.permit_root_login/root"].Evidence; ev != "from 10.0.0.1: permitrootlogin yes" {
		t.Errorf("root login evidence %q", ev)
	}
	ev := m["access.host.sshd.match.password_authentication/alice"].Evidence
	for _, a := range access.SSHDProbeAddrs {
		if !strings.Contains(ev, "from "+a+": passwordauthentication yes") {
			t.Errorf("password evidence %q lacks %s", ev, a)
		}
	}
	if ev := m["access.host.sshd.match.permit_empty_passwords/alice"].Evidence; ev != "from 192.168.0.1: permitemptypasswords yes" {
		t.Errorf("empty passwords evidence %q", ev)
	}
}

// TestAuditMatchBlocks (issue 9): Match blocks that let root in with a
// password, or an account in with a password, are found per account and
// address on a real host and on the fake, and pass once removed.
func TestAuditMatchBlocks(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		h := accessfake.New("fake", accessfake.Options{})
		mustApply(t, h, access.Op{Kind: access.OpEnsureUser, User: "alice", Shell: "/bin/bash"})
		checkMatchFindings(t, mustAuditHost(t, h, access.HostAuditOptions{}), false)
		h.AddSSHDMatch(accessfake.MatchBlock{Addrs: []string{"10.0.0.0/8"}, Settings: map[string][]string{"PermitRootLogin": {"yes"}}})
		h.AddSSHDMatch(accessfake.MatchBlock{Users: []string{"alice"}, Settings: map[string][]string{"PasswordAuthentication": {"yes"}}})
		h.AddSSHDMatch(accessfake.MatchBlock{Users: []string{"alice"}, Addrs: []string{"192.168.0.0/16"}, Settings: map[string][]string{"PermitEmptyPasswords": {"yes"}}})
		checkMatchFindings(t, mustAuditHost(t, h, access.HostAuditOptions{}), true)
		h.ClearSSHDMatches()
		checkMatchFindings(t, mustAuditHost(t, h, access.HostAuditOptions{}), false)
	})
	t.Run("ssh", func(t *testing.T) {
		h := sshTestHosts(t, 1)[0]
		ctx := context.Background()
		mustApply(t, h.Host, access.Op{Kind: access.OpEnsureUser, User: "alice", Shell: "/bin/bash"})
		checkMatchFindings(t, mustAuditHost(t, h.Host, access.HostAuditOptions{}), false)
		// Two Includes deep, by a relative path: the host script looks for
		// Match lines through every Include before it skips per-connection
		// evaluation.
		script := fmt.Sprintf("mkdir -p /etc/ssh/opskit-test && echo 'Include opskit-test/*.conf' >/etc/ssh/sshd_config.d/zz-match.conf && cat >/etc/ssh/opskit-test/match.conf <<'EOF'\n%sEOF\nsshd -t && echo SETUP-OK", matchBlocks)
		if out, code, err := h.Env.Exec(ctx, "sh", "-c", script); err != nil || code != 0 || !strings.Contains(out, "SETUP-OK") {
			t.Fatalf("setup: %v %d %s", err, code, out)
		}
		checkMatchFindings(t, mustAuditHost(t, h.Host, access.HostAuditOptions{}), true)
		if out, code, err := h.Env.Exec(ctx, "rm", "/etc/ssh/opskit-test/match.conf"); err != nil || code != 0 {
			t.Fatalf("fix: %v %d %s", err, code, out)
		}
		checkMatchFindings(t, mustAuditHost(t, h.Host, access.HostAuditOptions{}), false)
	})
}

// TestAuditPrivilegedGroups (issue 9): every account in a privileged group
// is reported, on a real host and on the fake.
func TestAuditPrivilegedGroups(t *testing.T) {
	ops := []access.Op{
		{Kind: access.OpEnsureUser, User: "alice", Shell: "/bin/bash", Groups: []string{"adm", "devs"}, AllowPrivileged: []string{"adm"}},
		{Kind: access.OpEnsureUser, User: "bob", Shell: "/bin/bash", Groups: []string{"devs"}},
	}
	check := func(t *testing.T, h access.Host) {
		m := statuses(mustAuditHost(t, h, access.HostAuditOptions{}))
		wantStatus(t, m, "access.host.users.privileged_groups", access.StatusPass)
		mustApply(t, h, ops...)
		m = statuses(mustAuditHost(t, h, access.HostAuditOptions{}))
		wantStatus(t, m, "access.host.users.privileged_groups/alice", access.StatusFail)
		if ev := m["access.host.users.privileged_groups/alice"].Evidence; ev != "member of adm (account managed by opskit)" {
			t.Errorf("evidence %q", ev)
		}
		if _, ok := m["access.host.users.privileged_groups/bob"]; ok {
			t.Error("bob reported")
		}
		mustApply(t, h, access.Op{Kind: access.OpEnsureUser, User: "alice", Shell: "/bin/bash", Groups: []string{"devs"}})
		m = statuses(mustAuditHost(t, h, access.HostAuditOptions{}))
		wantStatus(t, m, "access.host.users.privileged_groups", access.StatusPass)
	}
	t.Run("fake", func(t *testing.T) { check(t, accessfake.New("fake", accessfake.Options{})) })
	t.Run("ssh", func(t *testing.T) { check(t, sshTestHosts(t, 1)[0].Host) })
}

func mustApply(t *testing.T, h access.Host, ops ...access.Op) {
	t.Helper()
	res, err := h.Apply(context.Background(), ops)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Op, r.Err)
		}
	}
}
