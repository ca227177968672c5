package accesstest

import (
	"testing"

	"github.com/opskit-dev/opskit/access"
)

// testHomeDirReported: a created account's home is reported as Debian's
// useradd makes it (0755, HOME_MODE unset, UMASK 022), root's as 0700, and
// an account that cannot log in has no home reported.
func testHomeDirReported(t *testing.T, h access.Host) {
	mustApply(t, h, access.Op{Kind: access.OpEnsureUser, User: "ct_home", Shell: "/bin/bash"})
	st := snapshot(t, h)
	a := st.Account("ct_home")
	if a == nil || a.HomeDir == nil {
		t.Fatalf("ct_home home not reported: %+v", a)
	}
	if a.HomeDir.Mode != 0o755 || a.HomeDir.Owner != "ct_home" || a.HomeDir.Group != "ct_home" {
		t.Errorf("ct_home home = %04o %s:%s; want 0755 ct_home:ct_home", a.HomeDir.Mode, a.HomeDir.Owner, a.HomeDir.Group)
	}
	if r := st.Account("root"); r == nil || r.HomeDir == nil || r.HomeDir.Mode != 0o700 || r.HomeDir.Owner != "root" {
		t.Errorf("root home = %+v; want 0700 root", r)
	}
	for _, acc := range st.Accounts {
		if acc.Shell == "/usr/sbin/nologin" && len(acc.KeyFiles) == 0 && acc.HomeDir != nil {
			t.Errorf("%s (nologin, no keys) has its home %s reported", acc.Name, acc.Home)
		}
		for _, kf := range acc.KeyFiles {
			if kf.Path == acc.Home {
				t.Errorf("%s: the home is listed among the key files", acc.Name)
			}
		}
	}
}
