package access_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accesstest"
	"github.com/opskit-dev/opskit/access/fakehost"
	"github.com/opskit-dev/opskit/access/sshhost"
	"github.com/opskit-dev/opskit/internal/testenv"
)

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		accesstest.Run(t, func(t *testing.T) access.Host {
			// Root has keys, as the test hosts' root does.
			_, rootKey := newSigner(t, "opskit-test-root")
			return fakehost.New("fake", fakehost.Options{RootAuthorizedKeys: []byte(rootKey + "\n")})
		})
	})
	t.Run("ssh", func(t *testing.T) {
		accesstest.Run(t, func(t *testing.T) access.Host {
			h := sshTestHosts(t, 1)[0]
			return actingHost{Host: h.Host, env: h.Env}
		})
	})
}

// actingHost is an SSH test host that can also act as one of its users
// (accesstest.UserActor), through the container, not through opskit.
type actingHost struct {
	*sshhost.Host
	env testenv.SSHHost
}

func (h actingHost) Symlink(ctx context.Context, user, p, target string) error {
	out, code, err := h.env.Exec(ctx, "setpriv", "--reuid="+user, "--regid="+user, "--init-groups", "sh", "-c", `rm -rf -- "$1" && ln -s -- "$2" "$1"`, "link", p, target)
	if err != nil || code != 0 {
		return fmt.Errorf("symlink %s as %s: %d %v %s", p, user, code, err, out)
	}
	return nil
}
