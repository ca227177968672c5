package secrets_test

import (
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
	"github.com/opskit-dev/opskit/secrets/secretstest"
)

type fakeHarness struct{}

func (fakeHarness) Store(*testing.T) *secrets.Store { return secretsfake.NewStore() }
func (fakeHarness) Prefix() string                  { return "" }
func (fakeHarness) RecoveryWindow() time.Duration   { return time.Hour }

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		secretstest.Run(t, func(*testing.T) secretstest.Harness { return fakeHarness{} })
	})
}
