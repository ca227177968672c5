package bus_test

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// clusterSetup dials the real cluster (all nodes) for one test and returns
// it with its management client; both close when the test ends.
func clusterSetup(t *testing.T) (testenv.RabbitCluster, *bus.Management, *bus.Conn, context.Context) {
	t.Helper()
	cl := testenv.RabbitMQ(t)
	h := newRabbitHarness(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	c, err := bus.Dial(ctx, bus.Options{URLs: cl.AMQPURLs(), Name: "bus-cluster-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return cl, h.mgmt, c, ctx
}

// uniq returns prefix with a random suffix, for entity names on the shared
// cluster.
func uniq(prefix string) string {
	return prefix + "-" + bus.NewMessageID()[:8]
}

// waitFor polls cond until it holds, failing the test after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
