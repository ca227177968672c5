package access_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
)

// chmodder changes a path's mode as the named user (or root) would,
// outside opskit.
type chmodder func(ctx context.Context, user, p string, mode fs.FileMode) error

// TestHostFileModes proves the file-mode checks both ways on a real SSH
// host and on the fake: a ~/.ssh at 0755 (which the check used to pass),
// an authorized_keys open to the group, and a home writable by the group
// each fail their check alone, and the fixed host passes.
func TestHostFileModes(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		h := accessfake.New("fake", accessfake.Options{})
		testHostFileModes(t, h, func(ctx context.Context, _, p string, mode fs.FileMode) error { return h.Chmod(ctx, p, mode) })
	})
	t.Run("ssh", func(t *testing.T) {
		th := sshTestHosts(t, 1)[0]
		testHostFileModes(t, th.Host, func(ctx context.Context, user, p string, mode fs.FileMode) error {
			out, code, err := th.Env.Exec(ctx, "setpriv", "--reuid="+user, "--regid="+user, "--init-groups", "chmod", fmt.Sprintf("%04o", mode), p)
			if err != nil || code != 0 {
				return fmt.Errorf("chmod %s as %s: %d %v %s", p, user, code, err, out)
			}
			return nil
		})
	})
}

func testHostFileModes(t *testing.T, h access.Host, chmod chmodder) {
	ctx := context.Background()
	_, key := newSigner(t, "fm")
	tf := oneUserTeam(t, "fm", key)
	p, _ := access.NewProvisioner(access.Options{Keys: access.KeysInHome})
	if r, err := p.Grant(ctx, tf, []access.Target{{Host: h, Groups: []string{"all"}}}); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	const perms, home = "access.host.authorized_keys.permissions/fm", "access.host.home.permissions/fm"
	audit := func() map[string]access.Finding {
		t.Helper()
		return statuses(mustAuditHost(t, h, access.HostAuditOptions{TeamFile: tf}))
	}
	m := audit()
	wantStatus(t, m, perms, access.StatusPass)
	wantStatus(t, m, home, access.StatusPass)
	wantStatus(t, m, "access.host.home.permissions/root", access.StatusPass)
	if _, ok := m["access.host.home.permissions/daemon"]; ok {
		t.Error("an account that cannot log in has its home audited")
	}
	steps := []struct {
		path     string
		bad      fs.FileMode
		good     fs.FileMode
		check    string
		evidence string
	}{
		{"/home/fm/.ssh", 0o755, 0o700, perms, ".ssh 0755 fm (want 0700 fm)"},
		{"/home/fm/.ssh/authorized_keys", 0o640, 0o400, perms, "/home/fm/.ssh/authorized_keys 0640 fm"},
		{"/home/fm", 0o775, 0o750, home, "/home/fm 0775 fm:fm"},
	}
	for _, s := range steps {
		if err := chmod(ctx, "fm", s.path, s.bad); err != nil {
			t.Fatal(err)
		}
		m = audit()
		wantStatus(t, m, s.check, access.StatusFail)
		if ev := m[s.check].Evidence; !strings.Contains(ev, s.evidence) {
			t.Errorf("%s at %04o: evidence %q lacks %q", s.path, s.bad, ev, s.evidence)
		}
		for _, other := range []string{perms, home} {
			if other != s.check {
				wantStatus(t, m, other, access.StatusPass)
			}
		}
		if err := chmod(ctx, "fm", s.path, s.good); err != nil {
			t.Fatal(err)
		}
		m = audit()
		wantStatus(t, m, s.check, access.StatusPass)
	}
}
