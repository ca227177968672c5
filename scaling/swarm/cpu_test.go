package swarm_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	swarmtypes "github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	scalingswarm "github.com/opskit-dev/opskit/scaling/swarm"
)

// workServer hands out 10 ms CPU jobs at a set rate, like a queue: the
// total CPU the service burns is the rate × 10 ms, however many tasks
// share it.
type workServer struct {
	rate   atomic.Int64 // jobs per second
	mu     sync.Mutex
	tokens float64
	last   time.Time
	url    string
}

func newWorkServer(t *testing.T) *workServer {
	ws := &workServer{last: time.Now()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: ws, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	ws.url = fmt.Sprintf("http://%s/work", ln.Addr())
	return ws
}

func (ws *workServer) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	ws.mu.Lock()
	now := time.Now()
	rate := float64(ws.rate.Load())
	ws.tokens = min(ws.tokens+now.Sub(ws.last).Seconds()*rate, rate/4)
	ws.last = now
	ms := 0
	if ws.tokens >= 1 {
		ws.tokens--
		ms = 10
	}
	ws.mu.Unlock()
	fmt.Fprint(w, ms)
}

// TestSwarmCPU is the end-to-end run of issue 11: a service of CPU-burning
// FROM scratch tasks (0.1 CPU limit each) with min 1, max 6 and a CPU
// target of 50%: a load of 0.25 CPU needs 5 tasks; when it stops, the
// service scales back to 1 after the (shortened, 20 s) scale-in window.
func TestSwarmCPU(t *testing.T) {
	cli := testenv.Docker(t)
	image := testenv.GoImage(t, cli, "./testdata/worker", "scaling-worker")
	ws := newWorkServer(t)
	id := testenv.SwarmService(t, cli, "scaling-cpu", image, 1, nil, "burn", ws.url)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	setCPULimit(t, ctx, cli, id, 1e8)

	svc, err := scalingswarm.NewService(cli, id, scalingswarm.ServiceOptions{Min: 1, Max: 6, WarmUp: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var actions []scaling.Decision
	ctl, err := scaling.NewController(scaling.ControllerOptions{Interval: 3 * time.Second,
		OnDecision: func(d scaling.Decision) {
			if d.Applied {
				mu.Lock()
				actions = append(actions, d)
				mu.Unlock()
				t.Logf("%s", d.Reason)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	err = ctl.Add(scaling.GroupConfig{Name: "cpu", Group: svc,
		Spec: scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}},
			ScaleIn: &scaling.Rules{Window: 20 * time.Second}},
		Metrics: map[string]scaling.MetricFunc{"cpu": scalingswarm.NewMetrics(cli, svc).CPU()}})
	if err != nil {
		t.Fatal(err)
	}
	waitRunning(t, ctx, svc, 1)
	done := make(chan error, 1)
	go func() { done <- ctl.Run(ctx) }()
	defer func() { _ = ctl.Close(); <-done }()

	time.Sleep(6 * time.Second) // a quiet start: nothing to do at min
	ws.rate.Store(25)           // 25 × 10 ms per second = 0.25 CPU
	loadAt := time.Now()
	waitRunning(t, ctx, svc, 5)
	reaction := time.Since(loadAt)
	mu.Lock()
	out := len(actions)
	mu.Unlock()

	ws.rate.Store(0)
	stopAt := time.Now()
	waitRunningAtMost(t, ctx, svc, 1)
	back := time.Since(stopAt)
	mu.Lock()
	defer mu.Unlock()
	t.Logf("load step to 5 running tasks: %v in %d actions; load stop to 1 task: %v; %d actions in all",
		reaction.Round(100*time.Millisecond), out, back.Round(100*time.Millisecond), len(actions))
	if reaction > 2*time.Minute {
		t.Errorf("took %v from the load step to 5 running tasks; want under two minutes", reaction)
	}
	if back < 20*time.Second {
		t.Errorf("scaled back in %v after the load stopped, inside the 20 s window", back)
	}
	if len(actions) > 8 {
		t.Errorf("%d scaling actions for one load step; want at most 8", len(actions))
	}
}

func setCPULimit(t *testing.T, ctx context.Context, cli *client.Client, id string, nanoCPUs int64) {
	t.Helper()
	// A new service's version moves while swarm starts its tasks: read
	// again on a conflict.
	for try := 0; ; try++ {
		res, err := cli.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		spec := res.Service.Spec
		spec.TaskTemplate.Resources = &swarmtypes.ResourceRequirements{Limits: &swarmtypes.Limit{NanoCPUs: nanoCPUs}}
		_, err = cli.ServiceUpdate(ctx, id, client.ServiceUpdateOptions{Version: res.Service.Version, Spec: spec})
		if err == nil {
			return
		}
		if try == 5 || !strings.Contains(err.Error(), "out of sequence") {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func running(t *testing.T, ctx context.Context, g scaling.Group) int {
	st, err := g.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	r, _, _, _ := st.Counts()
	return r
}

func waitRunning(t *testing.T, ctx context.Context, g scaling.Group, n int) {
	t.Helper()
	for running(t, ctx, g) < n {
		if ctx.Err() != nil {
			t.Fatalf("never %d tasks running", n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func waitRunningAtMost(t *testing.T, ctx context.Context, g scaling.Group, n int) {
	t.Helper()
	for {
		st, err := g.State(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Desired <= n && len(st.Instances) <= n {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("never back to %d tasks: %d desired", n, st.Desired)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
