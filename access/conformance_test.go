package access_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
	"github.com/opskit-dev/opskit/access/accesstest"
	"github.com/opskit-dev/opskit/access/sshhost"
	"golang.org/x/crypto/ssh"
)

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		accesstest.Run(t, func(t *testing.T) accesstest.Harness {
			// Root has keys, as the test hosts' root does.
			_, rootKey := newSigner(t, "opskit-test-root")
			return fakeHarness{accessfake.New("fake", accessfake.Options{RootAuthorizedKeys: []byte(rootKey + "\n")})}
		})
	})
	t.Run("ssh", func(t *testing.T) {
		accesstest.Run(t, func(t *testing.T) accesstest.Harness {
			return sshHarness{sshTestHosts(t, 1)[0]}
		})
	})
}

// fakeHarness offers every capability of the suite on a fake host.
type fakeHarness struct{ h *accessfake.Host }

func (f fakeHarness) Host() access.Host { return f.h }

func (f fakeHarness) Symlink(ctx context.Context, user, p, target string) error {
	return f.h.Symlink(ctx, user, p, target)
}

func (f fakeHarness) Chown(ctx context.Context, p, owner, group string) error {
	return f.h.Chown(ctx, p, owner, group)
}

func (f fakeHarness) WatchReads(_ context.Context, p string) (func(context.Context) (bool, error), error) {
	n := f.h.KeyFileReads(p)
	return func(context.Context) (bool, error) { return f.h.KeyFileReads(p) > n, nil }, nil
}

func (f fakeHarness) Unreachable(t *testing.T) access.Host {
	h := accessfake.New("down", accessfake.Options{})
	h.SetUnreachable(true)
	return h
}

// sshHarness is an SSH test host whose container the suite can also act on
// as one of its users or as root, not through opskit.
type sshHarness struct{ th testHost }

func (h sshHarness) Host() access.Host { return h.th.Host }

func (h sshHarness) Symlink(ctx context.Context, user, p, target string) error {
	out, code, err := h.th.Env.Exec(ctx, "setpriv", "--reuid="+user, "--regid="+user, "--init-groups", "sh", "-c", `rm -rf -- "$1" && ln -s -- "$2" "$1"`, "link", p, target)
	if err != nil || code != 0 {
		return fmt.Errorf("symlink %s as %s: %d %v %s", p, user, code, err, out)
	}
	return nil
}

func (h sshHarness) Chown(ctx context.Context, p, owner, group string) error {
	out, code, err := h.th.Env.Exec(ctx, "chown", "-h", owner+":"+group, "--", p)
	if err != nil || code != 0 {
		return fmt.Errorf("chown %s: %d %v %s", p, code, err, out)
	}
	return nil
}

// WatchReads sets p's access time to 2000-01-01, before its modification
// time, so that the next read of its content moves it (relatime).
func (h sshHarness) WatchReads(ctx context.Context, p string) (func(context.Context) (bool, error), error) {
	const old = "946684800"
	if out, code, err := h.th.Env.Exec(ctx, "touch", "-a", "-d", "@"+old, "--", p); err != nil || code != 0 {
		return nil, fmt.Errorf("touch -a %s: %d %v %s", p, code, err, out)
	}
	return func(ctx context.Context) (bool, error) {
		out, code, err := h.th.Env.Exec(ctx, "stat", "-c", "%X", "--", p)
		if err != nil || code != 0 {
			return false, fmt.Errorf("stat %s: %d %v %s", p, code, err, out)
		}
		return strings.TrimSpace(out) != old, nil
	}, nil
}

// Unreachable returns an SSH host at a local port nothing listens on.
func (h sshHarness) Unreachable(t *testing.T) access.Host {
	signer, _ := newSigner(t, "opskit-test-root")
	d, err := sshhost.New(closedAddr(t), sshhost.Config{KnownHostsFile: h.th.KnownHosts, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// closedAddr returns a local address nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
