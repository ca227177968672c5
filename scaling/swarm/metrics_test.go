package swarm_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/scaling"
	scalingswarm "github.com/opskit-dev/opskit/scaling/swarm"
)

// engine is a narrow fake of the Engine API: one service, its tasks, and
// container statistics that the test sets.
type engine struct {
	svc   swarm.Service
	tasks []swarm.Task
	stats map[string]string
}

func (e *engine) ServiceInspect(context.Context, string, client.ServiceInspectOptions) (client.ServiceInspectResult, error) {
	return client.ServiceInspectResult{Service: e.svc}, nil
}

func (e *engine) ServiceUpdate(context.Context, string, client.ServiceUpdateOptions) (client.ServiceUpdateResult, error) {
	return client.ServiceUpdateResult{}, errors.New("read-only")
}

func (e *engine) TaskList(context.Context, client.TaskListOptions) (client.TaskListResult, error) {
	return client.TaskListResult{Items: e.tasks}, nil
}

func (e *engine) ContainerStats(_ context.Context, id string, _ client.ContainerStatsOptions) (client.ContainerStatsResult, error) {
	body, ok := e.stats[id]
	if !ok {
		return client.ContainerStatsResult{}, fmt.Errorf("no such container %s", id)
	}
	return client.ContainerStatsResult{Body: io.NopCloser(strings.NewReader(body))}, nil
}

func newEngine(nanoCPUs int64) *engine {
	n := uint64(3)
	e := &engine{stats: map[string]string{}}
	e.svc.ID = "svc1"
	e.svc.Spec.Mode.Replicated = &swarm.ReplicatedService{Replicas: &n}
	e.svc.Spec.TaskTemplate.Resources = &swarm.ResourceRequirements{Limits: &swarm.Limit{NanoCPUs: nanoCPUs}}
	now := time.Now()
	for i, st := range []swarm.TaskState{swarm.TaskStateRunning, swarm.TaskStateRunning, swarm.TaskStateStarting} {
		e.tasks = append(e.tasks, swarm.Task{ID: fmt.Sprint("t", i), ServiceID: "svc1", DesiredState: swarm.TaskStateRunning,
			Status: swarm.TaskStatus{State: st, Timestamp: now.Add(-time.Minute), ContainerStatus: &swarm.ContainerStatus{ContainerID: fmt.Sprint("c", i)}}})
	}
	return e
}

func cpuStats(total, pre, system, preSystem uint64) string {
	return fmt.Sprintf(`{"cpu_stats":{"cpu_usage":{"total_usage":%d},"system_cpu_usage":%d,"online_cpus":2},
		"precpu_stats":{"cpu_usage":{"total_usage":%d},"system_cpu_usage":%d,"online_cpus":2}}`, total, system, pre, preSystem)
}

func TestMetricsCPU(t *testing.T) {
	e := newEngine(5e8) // half a CPU per task
	// Over 1 s of system time on 2 CPUs (2e9 ns): c0 used 0.25 CPU, c1
	// 0.5 CPU; c2 is starting and not counted.
	e.stats["c0"] = cpuStats(1_250_000_000, 1_000_000_000, 12e9, 10e9)
	e.stats["c1"] = cpuStats(1_500_000_000, 1_000_000_000, 12e9, 10e9)
	svc, _ := scalingswarm.NewService(e, "svc1", scalingswarm.ServiceOptions{Min: 1, Max: 5})
	ctx := context.Background()
	st, err := svc.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r, s, _, _ := st.Counts(); r != 2 || s != 1 {
		t.Fatalf("state %+v; want 2 in service and 1 starting", st)
	}
	v, err := scalingswarm.NewMetrics(e, svc).CPU()(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	// 50% and 100% of the half-CPU limit.
	if v < 74.99 || v > 75.01 {
		t.Errorf("CPU = %v; want 75", v)
	}
}

func TestMetricsNetworkIO(t *testing.T) {
	e := newEngine(0)
	svc, _ := scalingswarm.NewService(e, "svc1", scalingswarm.ServiceOptions{Min: 1, Max: 5})
	m := scalingswarm.NewMetrics(e, svc).NetworkIO()
	ctx := context.Background()
	st, _ := svc.State(ctx)
	net := func(read string, rx0, tx0, rx1 uint64) string {
		return fmt.Sprintf(`{"read":%q,"networks":{"eth0":{"rx_bytes":%d,"tx_bytes":%d},"eth1":{"rx_bytes":%d,"tx_bytes":0}}}`, read, rx0, tx0, rx1)
	}
	e.stats["c0"] = net("2026-01-05T12:00:00Z", 1000, 1000, 0)
	e.stats["c1"] = net("2026-01-05T12:00:00Z", 0, 0, 0)
	if _, err := m(ctx, st); err == nil {
		t.Error("first read has no rate, want missing data")
	}
	e.stats["c0"] = net("2026-01-05T12:00:10Z", 11000, 6000, 5000) // 20,000 bytes in 10 s
	e.stats["c1"] = net("2026-01-05T12:00:10Z", 30000, 10000, 0)   // 40,000 bytes in 10 s
	v, err := m(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if v != 3000 {
		t.Errorf("NetworkIO = %v bytes/s; want the average 3000", v)
	}
}

func TestTaskStates(t *testing.T) {
	e := newEngine(0)
	now := time.Now()
	e.tasks = append(e.tasks,
		swarm.Task{ID: "pending", ServiceID: "svc1", DesiredState: swarm.TaskStateRunning, Status: swarm.TaskStatus{State: swarm.TaskStatePreparing}},
		swarm.Task{ID: "fresh", ServiceID: "svc1", DesiredState: swarm.TaskStateRunning, Status: swarm.TaskStatus{State: swarm.TaskStateRunning, Timestamp: now}},
		swarm.Task{ID: "stopping", ServiceID: "svc1", DesiredState: swarm.TaskStateShutdown, Status: swarm.TaskStatus{State: swarm.TaskStateRunning}},
		swarm.Task{ID: "gone", ServiceID: "svc1", DesiredState: swarm.TaskStateShutdown, Status: swarm.TaskStatus{State: swarm.TaskStateShutdown}},
		swarm.Task{ID: "failed", ServiceID: "svc1", DesiredState: swarm.TaskStateShutdown, Status: swarm.TaskStatus{State: swarm.TaskStateFailed}},
		swarm.Task{ID: "other", ServiceID: "svc2", DesiredState: swarm.TaskStateRunning, Status: swarm.TaskStatus{State: swarm.TaskStateRunning}},
	)
	svc, _ := scalingswarm.NewService(e, "svc1", scalingswarm.ServiceOptions{Min: 1, Max: 5, WarmUp: 30 * time.Second})
	st, err := svc.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]scaling.InstanceState{}
	for _, in := range st.Instances {
		got[in.ID] = in.State
	}
	want := map[string]scaling.InstanceState{"t0": scaling.InService, "t1": scaling.InService, "t2": scaling.WarmingUp,
		"pending": scaling.Pending, "fresh": scaling.WarmingUp, "stopping": scaling.Terminating}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("states = %v; want %v", got, want)
	}
}
