package swarm_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/swarm"
	"github.com/opskit-dev/opskit/scaling/swarm/swarmfake"
)

// TestProvisioner runs the same cases on the fake engine and on the real
// swarm: a service is created, a second plan is empty, a changed image,
// environment and label are one update that keeps the replica count a
// controller set, and Delete removes it.
func TestProvisioner(t *testing.T) {
	t.Run("fake", func(t *testing.T) { testProvisioner(t, swarmfake.New(), "opskit/none:1", "opskit/none:2") })
	t.Run("swarm", func(t *testing.T) {
		cli := testenv.Docker(t)
		image := testenv.GoImage(t, cli, "./testdata/worker", "scaling-worker")
		testProvisioner(t, cli, image, image+"-not-pulled")
	})
}

type provisionAPI interface {
	swarm.ProvisionAPI
}

func testProvisioner(t *testing.T, api provisionAPI, image, image2 string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name := fmt.Sprintf("prov-%d", time.Now().UnixNano()%1e9)
	p := swarm.NewProvisioner(api)
	spec := swarm.ServiceSpec{Name: name, Image: image, Args: []string{"idle"}, Replicas: 0, Env: map[string]string{"MODE": "a"}, Labels: map[string]string{"opskit.testenv": "1"}}
	t.Cleanup(func() { _, _ = p.Delete(context.Background(), name) })
	done, err := p.Apply(ctx, spec)
	if err != nil || len(done) != 1 || done[0].Op != "create" {
		t.Fatalf("create: %v %v", done, err)
	}
	if plan, err := p.Plan(ctx, spec); err != nil || len(plan) != 0 {
		t.Fatalf("plan after apply: %v %v", plan, err)
	}
	// A controller scales it: not drift.
	res, err := api.ServiceInspect(ctx, name, client.ServiceInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := uint64(2)
	s := res.Service.Spec
	s.Mode.Replicated.Replicas = &n
	if _, err := api.ServiceUpdate(ctx, res.Service.ID, client.ServiceUpdateOptions{Version: res.Service.Version, Spec: s}); err != nil {
		t.Fatal(err)
	}
	if plan, err := p.Plan(ctx, spec); err != nil || len(plan) != 0 {
		t.Fatalf("plan after a scale: %v %v (replicas are not drift)", plan, err)
	}
	spec.Image, spec.Env["MODE"], spec.Labels["tier"] = image2, "b", "web"
	done, err = p.Apply(ctx, spec)
	if err != nil || len(done) != 1 || done[0].Op != "update" {
		t.Fatalf("update: %v %v", done, err)
	}
	for _, want := range []string{"image " + image + " -> " + image2, "env 1 variables -> 1 (MODE)", "label tier=web"} {
		if !strings.Contains(done[0].Detail, want) {
			t.Errorf("update %q lacks %q", done[0].Detail, want)
		}
	}
	if strings.Contains(done[0].Detail, "=b") {
		t.Errorf("update shows an environment value: %q", done[0].Detail)
	}
	res, err = api.ServiceInspect(ctx, name, client.ServiceInspectOptions{})
	if err != nil || *res.Service.Spec.Mode.Replicated.Replicas != 2 {
		t.Fatalf("after update: %v replicas, %v (want the 2 a controller set)", res.Service.Spec.Mode.Replicated.Replicas, err)
	}
	if done, err := p.Delete(ctx, name); err != nil || len(done) != 1 {
		t.Fatalf("delete: %v %v", done, err)
	}
	if done, err := p.Delete(ctx, name); err != nil || len(done) != 0 {
		t.Fatalf("second delete: %v %v", done, err)
	}
	if _, err := p.Plan(ctx, swarm.ServiceSpec{Name: "-bad", Image: image}); !errors.Is(err, scaling.ErrInvalid) {
		t.Fatalf("bad name: %v, want scaling.ErrInvalid", err)
	}
}
