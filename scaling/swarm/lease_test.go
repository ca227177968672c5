package swarm_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
	scalingswarm "github.com/opskit-dev/opskit/scaling/swarm"
)

// TestLeaseTakeover runs two controllers for one service on the real
// swarm: only the lease holder acts; when it dies, the standby acts
// within one lease.
func TestLeaseTakeover(t *testing.T) {
	cli := testenv.Docker(t)
	image := testenv.GoImage(t, cli, "./testdata/worker", "scaling-worker")
	id := testenv.SwarmService(t, cli, "scaling-lease", image, 1, nil, "idle")
	const interval, ttl = 500 * time.Millisecond, 3 * time.Second
	// The load is work spread over the tasks: desired = 2 × work.
	cpu := &scalingfake.Load{}
	cpu.Set(0.5)
	var mu sync.Mutex
	applied := map[string][]time.Time{}
	start := func(holder string) (*scaling.Controller, chan error) {
		svc, err := scalingswarm.NewService(cli, id, scalingswarm.ServiceOptions{Min: 1, Max: 4})
		if err != nil {
			t.Fatal(err)
		}
		c, err := scaling.NewController(scaling.ControllerOptions{Holder: holder, Interval: interval, LeaseTTL: ttl,
			OnDecision: func(d scaling.Decision) {
				if d.Applied {
					mu.Lock()
					applied[holder] = append(applied[holder], d.At)
					mu.Unlock()
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Add(scaling.GroupConfig{Name: "lease", Group: svc,
			Spec:    scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}}},
			Metrics: map[string]scaling.MetricFunc{"cpu": cpu.CPU()}}); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- c.Run(context.Background()) }()
		t.Cleanup(func() { _ = c.Close() })
		return c, done
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	holder := func() string {
		res, err := cli.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		l := res.Service.Spec.Labels[scalingswarm.LabelLease]
		if len(l) > 0 && l[0] == 'a' {
			return "a"
		}
		if len(l) > 0 && l[0] == 'b' {
			return "b"
		}
		return ""
	}
	a, aDone := start("a")
	for holder() != "a" {
		if ctx.Err() != nil {
			t.Fatal("controller a never took the lease")
		}
		time.Sleep(100 * time.Millisecond)
	}
	start("b")
	// While a lives, b stands by: a scale-out is made by a alone.
	cpu.Set(1)
	waitReplicas(t, ctx, cli, id, 2)
	time.Sleep(2 * interval)
	mu.Lock()
	if len(applied["b"]) != 0 || len(applied["a"]) == 0 {
		t.Errorf("with a alive: a applied %d, b applied %d decisions; want only a", len(applied["a"]), len(applied["b"]))
	}
	mu.Unlock()
	// a dies without releasing its lease; the load rises again.
	time.Sleep(2 * interval)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	<-aDone
	died := time.Now()
	cpu.Set(2)
	waitReplicas(t, ctx, cli, id, 4)
	mu.Lock()
	defer mu.Unlock()
	if len(applied["b"]) == 0 {
		t.Fatal("b never acted")
	}
	took := applied["b"][0].Sub(died)
	t.Logf("standby acted %v after the active controller died (lease %v, interval %v)", took.Round(10*time.Millisecond), ttl, interval)
	if took > ttl+2*interval {
		t.Errorf("standby took %v to act; want within one lease (%v) and a round", took, ttl)
	}
	if holder() != "b" {
		t.Errorf("lease holder %q; want b", holder())
	}
}

func waitReplicas(t *testing.T, ctx context.Context, cli *client.Client, id string, n uint64) {
	t.Helper()
	for {
		res, err := cli.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if *res.Service.Spec.Mode.Replicated.Replicas >= n {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("replicas never reached %d", n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
