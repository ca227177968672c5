package access_test

import (
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accesstest"
	"github.com/opskit-dev/opskit/access/fakehost"
)

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		accesstest.Run(t, func(t *testing.T) access.Host { return fakehost.New("fake", fakehost.Options{}) })
	})
	t.Run("ssh", func(t *testing.T) {
		accesstest.Run(t, func(t *testing.T) access.Host { return sshTestHosts(t, 1)[0].Host })
	})
}
