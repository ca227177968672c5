// Package testenv finds the real services opskit's integration tests run
// against: PostgreSQL with a streaming replica, a 3-node RabbitMQ cluster, a
// Docker engine in swarm mode, the moto AWS emulator and SSH hosts in
// containers. All of them listen on loopback addresses only.
//
// Each helper returns a ready endpoint or client. When the service does not
// answer, the test is skipped with a message that says how to start the
// services (make services); with OPSKIT_INTEGRATION=1 set, the same situation
// fails the test instead, so CI can never pass by skipping.
//
// Endpoints come from environment variables, with the loopback defaults that
// internal/testenv/services.sh uses.
package testenv

import (
	"fmt"
	"os"
	"testing"
)

// EnvIntegration is the environment variable that turns a missing service
// into a test failure instead of a skip.
const EnvIntegration = "OPSKIT_INTEGRATION"

// StartHint is the command that starts every service, named in skip messages.
const StartHint = "run `make services` as root (Debian 12) to start them, or set " + EnvIntegration + "=1 to make this a failure"

// Integration reports whether OPSKIT_INTEGRATION=1 is set, meaning every
// integration test must run and a missing service is a failure.
func Integration() bool { return os.Getenv(EnvIntegration) == "1" }

// Unavailable skips t because service cannot be reached, or fails it when
// OPSKIT_INTEGRATION=1. err says what went wrong; it never carries secrets
// because the helpers build it from addresses only.
func Unavailable(t testing.TB, service string, err error) {
	t.Helper()
	msg := fmt.Sprintf("%s is not available: %v", service, err)
	if Integration() {
		t.Fatalf("%s (%s=1, so this is a failure; start it with `make services`)", msg, EnvIntegration)
	}
	t.Skipf("%s; %s", msg, StartHint)
}

// getenv returns the environment variable key, or def when it is unset.
func getenv(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		return v
	}
	return def
}
