package access_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
	"github.com/opskit-dev/opskit/access/sshhost"
)

func statuses(fs []access.Finding) map[string]access.Finding {
	m := map[string]access.Finding{}
	for _, f := range fs {
		key := f.CheckID
		if strings.Contains(f.Resource, " user ") {
			key += "/" + f.Resource[strings.LastIndex(f.Resource, " ")+1:]
		}
		m[key] = f
	}
	return m
}

func wantStatus(t *testing.T, m map[string]access.Finding, key string, want access.Status) {
	t.Helper()
	f, ok := m[key]
	if !ok {
		t.Errorf("no finding for %s", key)
		return
	}
	if f.Status != want {
		t.Errorf("%s = %v (%s%s); want %v", key, f.Status, f.Evidence, f.Error, want)
	}
}

func TestHostAudit(t *testing.T) {
	hosts := sshTestHosts(t, 1)
	h := hosts[0]
	ctx := context.Background()
	_, aliceKey := newSigner(t, "alice")
	tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(teamYAML(fmt.Sprintf("  - {name: alice, teams: [dev], keys: [%q]}\n", aliceKey))), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Keys in the home, where a user (or an intruder) can add their own.
	p, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome})
	if r, err := p.Grant(ctx, tf, []access.Target{{Host: h.Host, Groups: []string{"all"}}}); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	rootKey, err := h.Env.ReadFile(ctx, "/root/.ssh/authorized_keys")
	if err != nil {
		t.Fatal(err)
	}
	opts := access.HostAuditOptions{TeamFile: tf, AllowedKeys: map[string][]string{"root": {strings.TrimSpace(string(rootKey))}}}

	// As started: key-only sshd, declared keys only, no apt lists.
	m := statuses(mustAuditHost(t, h.Host, opts))
	for _, k := range []string{"access.host.sshd.permit_root_login", "access.host.sshd.password_authentication", "access.host.sshd.kbd_interactive",
		"access.host.sshd.permit_empty_passwords", "access.host.sshd.weak_ciphers", "access.host.sshd.weak_kex",
		"access.host.authorized_keys.undeclared/alice", "access.host.authorized_keys.undeclared/root",
		"access.host.authorized_keys.permissions/alice", "access.host.users.extra_uid0", "access.host.reboot_required"} {
		wantStatus(t, m, k, access.StatusPass)
	}
	// Debian's defaults: X11 and TCP forwarding on, MaxAuthTries 6, SHA-1 and 64-bit MACs.
	for _, k := range []string{"access.host.sshd.x11_forwarding", "access.host.sshd.tcp_forwarding", "access.host.sshd.max_auth_tries", "access.host.sshd.weak_macs"} {
		wantStatus(t, m, k, access.StatusFail)
	}
	sec := m["access.host.packages.security_updates"]
	if sec.Status != access.StatusError || !strings.Contains(sec.Error, "no apt package lists") {
		t.Errorf("security updates without apt lists = %v %q; want a clear error", sec.Status, sec.Error)
	}

	// Break everything on the host, from the test side.
	setup := `set -e
cat >/etc/ssh/sshd_config.d/00-weak.conf <<EOF
PermitRootLogin yes
PasswordAuthentication yes
KbdInteractiveAuthentication yes
PermitEmptyPasswords yes
Ciphers +aes128-cbc
KexAlgorithms +diffie-hellman-group14-sha1
EOF
useradd -o -u 0 -g 0 -M -s /bin/sh toor
ssh-keygen -q -t ed25519 -N "" -f /tmp/intruder
cat /tmp/intruder.pub >>/home/alice/.ssh/authorized_keys
chmod 0644 /home/alice/.ssh/authorized_keys
echo "*** System restart required ***" >/var/run/reboot-required
echo linux-image-amd64 >/var/run/reboot-required.pkgs
mkdir -p /opt/sec && cd /opt/sec
printf "Package: base-files\nVersion: 99.0\nArchitecture: amd64\nMaintainer: x <x@example.com>\nFilename: base-files_99.0_amd64.deb\nSize: 1\nDescription: test\n\n" >Packages
printf "Origin: Debian\nLabel: Debian-Security\nSuite: stable-security\nCodename: bookworm-security\nVersion: 12\n" >Release
echo "deb [trusted=yes] file:/opt/sec ./" >/etc/apt/sources.list.d/opskit-test.list
apt-get update -q -o Dir::Etc::sourcelist=/dev/null >/dev/null 2>&1
echo SETUP-OK`
	if out, code, err := h.Env.Exec(ctx, "sh", "-c", setup); err != nil || code != 0 || !strings.Contains(out, "SETUP-OK") {
		t.Fatalf("setup: %v %d %s", err, code, out)
	}
	m = statuses(mustAuditHost(t, h.Host, opts))
	for _, k := range []string{"access.host.sshd.permit_root_login", "access.host.sshd.password_authentication", "access.host.sshd.kbd_interactive",
		"access.host.sshd.permit_empty_passwords", "access.host.sshd.weak_ciphers", "access.host.sshd.weak_kex",
		"access.host.authorized_keys.undeclared/alice", "access.host.authorized_keys.permissions/alice",
		"access.host.users.extra_uid0", "access.host.reboot_required", "access.host.packages.security_updates"} {
		wantStatus(t, m, k, access.StatusFail)
	}
	wantStatus(t, m, "access.host.authorized_keys.undeclared/root", access.StatusPass)
	if ev := m["access.host.packages.security_updates"].Evidence; !strings.Contains(ev, "base-files 99.0") {
		t.Errorf("security updates evidence %q", ev)
	}
	if ev := m["access.host.users.extra_uid0"].Evidence; !strings.Contains(ev, "toor") {
		t.Errorf("uid 0 evidence %q", ev)
	}
	if ev := m["access.host.authorized_keys.undeclared/alice"].Evidence; !strings.Contains(ev, "line 3") {
		t.Errorf("undeclared key evidence %q; want line 3", ev)
	}
	// Re-granting puts alice's file back to exactly the declared key.
	if r, _ := p.Grant(ctx, tf, []access.Target{{Host: h.Host, Groups: []string{"all"}}}); r.Err() != nil || !r.Changed() {
		t.Fatalf("re-grant: %s", r.Summary())
	}
	m = statuses(mustAuditHost(t, h.Host, opts))
	wantStatus(t, m, "access.host.authorized_keys.undeclared/alice", access.StatusPass)
	wantStatus(t, m, "access.host.authorized_keys.permissions/alice", access.StatusPass)
	t.Logf("%d host checks", len(access.HostChecks()))
}

func mustAuditHost(t *testing.T, h access.Host, opts access.HostAuditOptions) []access.Finding {
	t.Helper()
	fs, err := access.AuditHost(context.Background(), h, opts)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func TestHostAuditFake(t *testing.T) {
	h := accessfake.New("fake1", accessfake.Options{Facts: access.HostFacts{PackageLists: true}})
	m := statuses(mustAuditHost(t, h, access.HostAuditOptions{}))
	wantStatus(t, m, "access.host.packages.security_updates", access.StatusPass)
	wantStatus(t, m, "access.host.sshd.password_authentication", access.StatusPass)
	h.SetSSHD("PasswordAuthentication", "yes")
	h.SetFacts(access.HostFacts{PackageLists: true, Upgrades: sshhost.ParseAptSimulation(
		"Inst libc6 [2.36-9] (2.36-9+deb12u4 Debian-Security:12/stable-security [amd64])\nInst tzdata [2024a] (2025b Debian:12.9/stable [all])\n")})
	h.AddAccount("intruder", 0, []byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGr5d5Ad6aAOlR3r6Q0iU3Q+pNwV0ERj0j3vS8Jw3WcX x\n"))
	m = statuses(mustAuditHost(t, h, access.HostAuditOptions{}))
	wantStatus(t, m, "access.host.sshd.password_authentication", access.StatusFail)
	wantStatus(t, m, "access.host.users.extra_uid0", access.StatusFail)
	wantStatus(t, m, "access.host.authorized_keys.undeclared/intruder", access.StatusFail)
	if f := m["access.host.packages.security_updates"]; f.Status != access.StatusFail || f.Evidence != "1 pending: libc6 2.36-9+deb12u4" {
		t.Errorf("security updates = %v %q", f.Status, f.Evidence)
	}
}
