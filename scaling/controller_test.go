package scaling_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
	"go.uber.org/goleak"
)

var start = time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)

type rig struct {
	clock *scalingfake.Clock
	group *scalingfake.Group
	cpu   *scalingfake.Metric
	ctl   *scaling.Controller
	log   []scaling.Decision
}

func newRig(t *testing.T, opts scalingfake.GroupOptions, spec scaling.Spec, copts scaling.ControllerOptions) *rig {
	t.Helper()
	r := &rig{clock: scalingfake.NewClock(start), cpu: &scalingfake.Metric{}}
	var err error
	if r.group, err = scalingfake.NewGroup(r.clock, opts); err != nil {
		t.Fatal(err)
	}
	copts.Clock = r.clock
	copts.OnDecision = func(d scaling.Decision) { r.log = append(r.log, d) }
	if r.ctl, err = scaling.NewController(copts); err != nil {
		t.Fatal(err)
	}
	if spec.Policies == nil {
		spec.Policies = []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}}
	}
	if err := r.ctl.Add(scaling.GroupConfig{Name: "web", Group: r.group, Spec: spec, Metrics: map[string]scaling.MetricFunc{"cpu": r.cpu.Func()}}); err != nil {
		t.Fatal(err)
	}
	return r
}

// run ticks every interval for d of fake time.
func (r *rig) run(t *testing.T, d, interval time.Duration) {
	t.Helper()
	for end := r.clock.Now().Add(d); r.clock.Now().Before(end); r.clock.Advance(interval) {
		if err := r.ctl.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *rig) desired(t *testing.T) int {
	st, err := r.group.State(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Desired
}

func (r *rig) last() scaling.Decision { return r.log[len(r.log)-1] }

func TestControllerDecisionLog(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := newRig(t, scalingfake.GroupOptions{Min: 1, Max: 10, Desired: 2}, scaling.Spec{}, scaling.ControllerOptions{Logger: logger})
	r.cpu.Set(100)
	r.run(t, time.Second, time.Second)
	d := r.last()
	if d.Group != "web" || d.Current != 2 || d.Desired != 4 || !d.Applied || d.Direction != scaling.Out || d.Policies[0].Value != 100 {
		t.Errorf("decision = %+v", d)
	}
	if r.desired(t) != 4 {
		t.Errorf("group desired = %d; want 4", r.desired(t))
	}
	for _, want := range []string{"level=INFO", `msg="scale out from 2 to 4: target-tracking cpu`, "group=web", "direction=out", "applied=true", "cpu.value=100", "time=2026-01-05T12:00:00.000Z"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestControllerBackoffNoLostDecision(t *testing.T) {
	r := newRig(t, scalingfake.GroupOptions{Min: 1, Max: 10, Desired: 2}, scaling.Spec{}, scaling.ControllerOptions{RetryBase: 10 * time.Second, RetryMax: time.Minute})
	r.cpu.Set(100)
	refused := errors.New("throttled")
	r.group.Refuse(3, refused)
	var attempts []time.Duration
	for i := 0; i < 120 && r.desired(t) == 2; i++ {
		n := len(r.log)
		if err := r.ctl.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		if len(r.log) > n {
			attempts = append(attempts, r.clock.Now().Sub(start))
			if d := r.last(); d.Err != nil && (!errors.Is(d.Err, refused) || !strings.HasPrefix(d.Err.Error(), `scaling: group "web": `)) {
				t.Errorf("Err = %v", d.Err)
			}
		}
		r.clock.Advance(time.Second)
	}
	if r.desired(t) != 4 {
		t.Fatalf("desired = %d after the backend came back; want 4", r.desired(t))
	}
	// Attempts at 0, then 10 s, 20 s and 40 s of backoff.
	want := []time.Duration{0, 10 * time.Second, 30 * time.Second, 70 * time.Second}
	if len(attempts) != len(want) {
		t.Fatalf("attempts at %v; want %v", attempts, want)
	}
	for i := range want {
		if attempts[i] != want[i] {
			t.Errorf("attempt %d at %v; want %v", i, attempts[i], want[i])
		}
	}
}

func TestControllerRestartWaitsForScaleInWindow(t *testing.T) {
	r := newRig(t, scalingfake.GroupOptions{Min: 1, Max: 10, Desired: 8}, scaling.Spec{}, scaling.ControllerOptions{})
	r.cpu.Set(10)
	r.run(t, 5*time.Minute-time.Second, 15*time.Second)
	if r.desired(t) != 8 {
		t.Fatalf("scaled in to %d before observing a whole window", r.desired(t))
	}
	if !strings.Contains(r.last().Reason, "not yet observed") {
		t.Errorf("Reason = %q", r.last().Reason)
	}
	r.run(t, 30*time.Second, 15*time.Second)
	if got := r.desired(t); got != 2 {
		t.Errorf("after the window: desired %d; want 2", got)
	}
}

func TestControllerMetricDown(t *testing.T) {
	r := newRig(t, scalingfake.GroupOptions{Min: 1, Max: 10, Desired: 4}, scaling.Spec{Fallback: 6}, scaling.ControllerOptions{})
	r.cpu.Set(10)
	r.run(t, 10*time.Minute, 15*time.Second) // observed long enough; scales in
	in := r.desired(t)
	r.cpu.Fail(errors.New("stats endpoint down"))
	r.run(t, 20*time.Minute, 15*time.Second)
	if got := r.desired(t); got != max(in, 6) {
		t.Errorf("with the metric down: desired %d; want the fallback %d", got, max(in, 6))
	}
	if d := r.last(); !d.Policies[0].Missing || !strings.Contains(d.Reason, "stats endpoint down") {
		t.Errorf("last decision %+v", d)
	}
	r.cpu.Set(10)
	r.run(t, 10*time.Minute, 15*time.Second)
	if got := r.desired(t); got != 1 {
		t.Errorf("after the metric came back: desired %d; want 1", got)
	}
}

func TestNoFlapping(t *testing.T) {
	// A metric swinging ±30% around the target every 15 s for 2 hours,
	// with 60 s warm-up: the group settles and acts a bounded number of
	// times.
	r := newRig(t, scalingfake.GroupOptions{Min: 1, Max: 20, Desired: 6, WarmUp: time.Minute, Linger: 30 * time.Second}, scaling.Spec{}, scaling.ControllerOptions{})
	writes := 0
	for i := 0; i < 2*60*4; i++ {
		r.cpu.Set(50 * (1 + 0.3*math.Sin(float64(i)*math.Pi/2+0.3)))
		n := r.group.Writes()
		if err := r.ctl.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		writes += r.group.Writes() - n
		r.clock.Advance(15 * time.Second)
	}
	t.Logf("scaling actions in 2 hours of a ±30%% flapping metric: %d", writes)
	if writes > 6 {
		t.Errorf("%d scaling actions in 2 hours; want at most 6", writes)
	}
}

func TestControllerSafeStop(t *testing.T) {
	defer goleak.VerifyNone(t)
	r := newRig(t, scalingfake.GroupOptions{Min: 1, Max: 10, Desired: 2}, scaling.Spec{}, scaling.ControllerOptions{Interval: 15 * time.Second})
	r.cpu.Set(100)
	done := make(chan error, 1)
	go func() { done <- r.ctl.Run(context.Background()) }()
	// Wait for the first round to park on the clock, then stop.
	deadline := time.Now().Add(10 * time.Second)
	for r.clock.Waiters() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if err := r.ctl.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("Run after Close = %v; want nil", err)
	}
	if err := r.ctl.Tick(context.Background()); !errors.Is(err, scaling.ErrClosed) {
		t.Errorf("Tick after Close = %v; want ErrClosed", err)
	}
	if r.desired(t) != 4 {
		t.Errorf("desired %d; the first round should have scaled to 4", r.desired(t))
	}
	// A cancelled context stops a round between groups, without error decisions.
	r2 := newRig(t, scalingfake.GroupOptions{Min: 1, Max: 10, Desired: 2}, scaling.Spec{}, scaling.ControllerOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r2.ctl.Tick(ctx); !errors.Is(err, context.Canceled) || len(r2.log) != 0 {
		t.Errorf("Tick(cancelled) = %v with %d decisions", err, len(r2.log))
	}
}

func TestControllerAddInvalid(t *testing.T) {
	c, _ := scaling.NewController(scaling.ControllerOptions{})
	clock := scalingfake.NewClock(start)
	g, _ := scalingfake.NewGroup(clock, scalingfake.GroupOptions{Max: 1})
	spec := scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}}}
	for _, cfg := range []scaling.GroupConfig{
		{Group: g, Spec: spec},
		{Name: "a", Spec: spec},
		{Name: "a", Group: g, Spec: spec},
		{Name: "a", Group: g, Spec: scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu"}}}},
	} {
		if err := c.Add(cfg); !errors.Is(err, scaling.ErrInvalid) {
			t.Errorf("Add(%+v) = %v; want ErrInvalid", cfg, err)
		}
	}
}

func TestControllerLeaseStandby(t *testing.T) {
	clock := scalingfake.NewClock(start)
	g, _ := scalingfake.NewGroup(clock, scalingfake.GroupOptions{Min: 1, Max: 8, Desired: 2})
	cpu := &scalingfake.Metric{}
	cpu.Set(100)
	var acted []string
	mk := func(holder string) *scaling.Controller {
		c, err := scaling.NewController(scaling.ControllerOptions{Clock: clock, Holder: holder, Interval: 10 * time.Second,
			OnDecision: func(d scaling.Decision) {
				if d.Applied {
					acted = append(acted, holder)
				}
			}})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Add(scaling.GroupConfig{Name: "web", Group: g, Spec: scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}}},
			Metrics: map[string]scaling.MetricFunc{"cpu": cpu.Func()}}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := mk("a"), mk("b")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		_ = a.Tick(ctx)
		_ = b.Tick(ctx)
		clock.Advance(10 * time.Second)
	}
	if len(acted) == 0 || strings.Trim(strings.Join(acted, ""), "a") != "" {
		t.Fatalf("acted: %v; want only a", acted)
	}
	// a dies; b takes over once the 30 s lease has lapsed.
	acted = nil
	died := clock.Now()
	g.SetBounds(1, 40)
	for i := 0; i < 10 && len(acted) == 0; i++ {
		_ = b.Tick(ctx)
		clock.Advance(10 * time.Second)
	}
	if strings.Join(acted, ",") != "b" || clock.Now().Sub(died) > 30*time.Second+10*time.Second {
		t.Errorf("after a stopped: acted %v %v later; want b within one lease (30 s) and a round", acted, clock.Now().Sub(died))
	}
}

// blockingGroup blocks State until its context ends, like a backend call
// hanging on the network.
type blockingGroup struct {
	scaling.Group
	entered chan struct{}
}

func (b blockingGroup) State(ctx context.Context) (scaling.GroupState, error) {
	close(b.entered)
	<-ctx.Done()
	return scaling.GroupState{}, ctx.Err()
}

func TestControllerCloseMidRound(t *testing.T) {
	defer goleak.VerifyNone(t)
	clock := scalingfake.NewClock(start)
	g, _ := scalingfake.NewGroup(clock, scalingfake.GroupOptions{Min: 1, Max: 4, Desired: 1})
	bg := blockingGroup{Group: g, entered: make(chan struct{})}
	var decisions []scaling.Decision
	c, _ := scaling.NewController(scaling.ControllerOptions{Clock: clock, OnDecision: func(d scaling.Decision) { decisions = append(decisions, d) }})
	m := &scalingfake.Metric{}
	if err := c.Add(scaling.GroupConfig{Name: "slow", Group: bg, Spec: scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}}},
		Metrics: map[string]scaling.MetricFunc{"cpu": m.Func()}}); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- c.Run(context.Background()) }()
	<-bg.entered
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Errorf("Run after Close in the middle of a round = %v; want nil", err)
	}
	if len(decisions) != 0 {
		t.Errorf("a round stopped by Close reported %d decisions (an error one?): %+v", len(decisions), decisions)
	}
}
