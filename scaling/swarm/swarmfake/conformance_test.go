package swarmfake_test

import (
	"testing"

	"github.com/opskit-dev/opskit/scaling/swarm/swarmfake"
	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/secretstest"
	secretsswarm "github.com/opskit-dev/opskit/secrets/swarm"
)

// TestSecretsConformance runs the secret-store suite (its write-only cases,
// as on the real swarm in package secrets) on secrets/swarm over the fake
// engine: the fake's secrets behave as the engine's do for the backend.
func TestSecretsConformance(t *testing.T) {
	secretstest.Run(t, func(*testing.T) secretstest.Harness { return harness{e: swarmfake.New()} })
}

type harness struct{ e *swarmfake.Engine }

func (h harness) Store(*testing.T) *secrets.Store { return secretsswarm.NewStore(h.e) }
func (harness) Prefix() string                    { return "opskit-" }
func (harness) WriteOnly() bool                   { return true }
