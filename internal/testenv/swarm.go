package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// GoImage builds a FROM scratch image around the static binary of the Go
// package at pkgDir (relative to the test's directory), with the binary
// as entrypoint, and removes it when t ends. No registry is needed.
func GoImage(t testing.TB, cli *client.Client, pkgDir, name string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "app")
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = "/usr/local/go/bin/go"
	}
	cmd := exec.Command(gobin, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, pkgDir)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkgDir, err, out)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return BuildImage(t, cli, name, "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n", map[string][]byte{"app": exe}, client.ImageBuildOptions{})
}

// SwarmService creates a replicated service running image with args on
// the host network, labelled opskit.testenv, and removes it when t ends.
func SwarmService(t testing.TB, cli *client.Client, name, image string, replicas uint64, labels map[string]string, args ...string) string {
	t.Helper()
	if labels == nil {
		labels = map[string]string{}
	}
	labels["opskit.testenv"] = name
	spec := swarm.ServiceSpec{
		Annotations: swarm.Annotations{Name: fmt.Sprintf("%s-%d", name, time.Now().UnixNano()), Labels: labels},
		TaskTemplate: swarm.TaskSpec{
			ContainerSpec: &swarm.ContainerSpec{Image: image, Args: args, StopGracePeriod: ptr(2 * time.Second)},
			Networks:      []swarm.NetworkAttachmentConfig{{Target: "host"}},
			RestartPolicy: &swarm.RestartPolicy{Condition: swarm.RestartPolicyConditionOnFailure},
		},
		Mode: swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &replicas}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := cli.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec})
	if err != nil {
		t.Fatalf("ServiceCreate: %v", err)
	}
	t.Cleanup(func() {
		_, _ = cli.ServiceRemove(context.Background(), res.ID, client.ServiceRemoveOptions{})
	})
	return res.ID
}

func ptr[T any](v T) *T { return &v }
