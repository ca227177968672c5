package testenv

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// Docker returns a client for the local Docker engine (DOCKER_HOST, default
// the unix socket) after checking that it answers and that swarm mode is
// active; otherwise it skips or fails t. The client is closed when t ends.
func Docker(t testing.TB) *client.Client {
	t.Helper()
	cli, err := client.New(client.FromEnv)
	if err != nil {
		Unavailable(t, "Docker engine", err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		Unavailable(t, "Docker engine", err)
	}
	if state := info.Info.Swarm.LocalNodeState; state != "active" {
		Unavailable(t, "Docker swarm", fmt.Errorf("swarm state is %q, want active", state))
	}
	return cli
}
