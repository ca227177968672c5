package swarm_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets"
	secretswarm "github.com/opskit-dev/opskit/secrets/swarm"
)

// TestAttach rotates a secret a running service uses: after each new
// version Attach points the service at it under the same target, and the
// service's tasks (which exit if /run/secrets/app is missing) run with it.
func TestAttach(t *testing.T) {
	cli := testenv.Docker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	image := testenv.GoImage(t, cli, "./testdata/reader", "secrets-reader")
	b := secretswarm.New(cli)
	s := secrets.New(b, secrets.Options{})
	var r [4]byte
	_, _ = rand.Read(r[:])
	name := "opskit-attach-" + hex.EncodeToString(r[:])
	v1, err := s.Put(ctx, name, secrets.NewValue([]byte("value-1")), secrets.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs after the service is removed.
	t.Cleanup(func() {
		for range 20 {
			if err := s.Delete(context.Background(), name, secrets.DeleteOptions{}); err == nil {
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Errorf("secret %s still in use", name)
	})
	svc := testenv.SwarmService(t, cli, "secrets-attach", image, 1, nil)
	for i, want := range []string{v1.ID, ""} {
		if i == 1 {
			v2, err := s.Put(ctx, name, secrets.NewValue([]byte("value-2")), secrets.PutOptions{})
			if err != nil {
				t.Fatal(err)
			}
			want = v2.ID
		}
		got, err := b.Attach(ctx, svc, name, secretswarm.AttachOptions{Target: "app"})
		if err != nil || got != want {
			t.Fatalf("Attach = %s, %v; want %s", got, err, want)
		}
		waitRunning(t, ctx, cli, svc, name+"-v"+want)
	}
	// Attaching again changes nothing.
	before, _ := cli.ServiceInspect(ctx, svc, client.ServiceInspectOptions{})
	if _, err := b.Attach(ctx, svc, name, secretswarm.AttachOptions{Target: "app"}); err != nil {
		t.Fatal(err)
	}
	after, _ := cli.ServiceInspect(ctx, svc, client.ServiceInspectOptions{})
	if after.Service.Version.Index != before.Service.Version.Index {
		t.Fatalf("a second Attach updated the service (version %d -> %d)", before.Service.Version.Index, after.Service.Version.Index)
	}
}

// waitRunning waits until a task of svc mounting secret at "app" has run
// for a second.
func waitRunning(t *testing.T, ctx context.Context, cli *client.Client, svc, secret string) {
	t.Helper()
	for ctx.Err() == nil {
		tasks, err := cli.TaskList(ctx, client.TaskListOptions{Filters: client.Filters{}.Add("service", svc)})
		if err != nil {
			t.Fatal(err)
		}
		for _, task := range tasks.Items {
			cs := task.Spec.ContainerSpec
			if task.Status.State != swarm.TaskStateRunning || cs == nil || len(cs.Secrets) != 1 {
				continue
			}
			ref := cs.Secrets[0]
			if ref.SecretName == secret && ref.File != nil && ref.File.Name == "app" && time.Since(task.Status.Timestamp) > time.Second {
				return
			}
		}
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("no task running with secret %s at /run/secrets/app", secret)
}
