package access_test

import (
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
)

// TestHostAuditFakePackages (issue 20 item 13): the fake host has a
// settable package state, so the security-updates check works on it: a
// new fake has package lists and nothing pending, a pending security
// update fails, installing it passes, and no lists is the same error as
// on a real host.
func TestHostAuditFakePackages(t *testing.T) {
	const check = "access.host.packages.security_updates"
	h := accessfake.New("fake", accessfake.Options{})
	wantStatus(t, statuses(mustAuditHost(t, h, access.HostAuditOptions{})), check, access.StatusPass)

	h.SetPackages(true,
		accessfake.Package{Name: "libc6", Installed: "2.36-9", Candidate: "2.36-9+deb12u4", Origin: "Debian-Security:12/stable-security"},
		accessfake.Package{Name: "tzdata", Installed: "2024a", Candidate: "2025b", Origin: "Debian:12.9/stable"},
		accessfake.Package{Name: "vim", Candidate: "9.0", Origin: "Debian-Security:12/stable-security"},
		accessfake.Package{Name: "bash", Installed: "5.2.15-2+b2", Candidate: "5.2.15-2+b2", Origin: "Debian:12.9/stable"},
	)
	f := statuses(mustAuditHost(t, h, access.HostAuditOptions{}))[check]
	if f.Status != access.StatusFail || f.Evidence != "1 pending: libc6 2.36-9+deb12u4" {
		t.Errorf("pending security update: %v %q", f.Status, f.Evidence)
	}
	h.UpgradePackages()
	wantStatus(t, statuses(mustAuditHost(t, h, access.HostAuditOptions{})), check, access.StatusPass)

	h.SetPackages(false)
	f = statuses(mustAuditHost(t, h, access.HostAuditOptions{}))[check]
	if f.Status != access.StatusError || !strings.Contains(f.Error, "no apt package lists") {
		t.Errorf("no package lists: %v %q; want the no-lists error", f.Status, f.Error)
	}
}
