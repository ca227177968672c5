package scaling_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
)

// The simulated comparison of issue 11: the same load traces, the same
// fake group (60 s warm-up, 30 s termination), our controller beside
// models of AWS target tracking, HPA's defaults and the Swarm tools'
// 85%/25% rule. Load is in instances fully busy; the CPU metric is the
// load spread over the instances in service, capped at 100%; the target is
// 50%, so the need is load / 0.5 instances.

const (
	simStep   = 15 * time.Second
	simTarget = 50.0
	simMin    = 1
	simMax    = 40
)

// trace is a load and, optionally, a metric outage.
type trace struct {
	name   string
	length time.Duration
	load   func(t time.Duration) float64
	outage func(t time.Duration) bool
}

func traces() []trace {
	rng := rand.New(rand.NewPCG(11, 2026))
	// Noisy spikes: base 3 with noise, a spike to ×3 every 20-40 minutes
	// for 5-10 minutes; drawn once, so every model sees the same trace.
	n := int(4 * time.Hour / simStep)
	spiky := make([]float64, n+1)
	for i, next, until := 0, 10*4, 0; i <= n; i++ {
		if i == next {
			until = i + (5+rng.IntN(6))*4
			next = i + (20+rng.IntN(21))*4
		}
		if i < until {
			spiky[i] = 9 + rng.NormFloat64()*0.4
		} else {
			spiky[i] = math.Max(0.2, 3+rng.NormFloat64()*0.4)
		}
	}
	at := func(t time.Duration) int { return min(int(t/simStep), n) }
	return []trace{
		{name: "step", length: 4 * time.Hour, load: func(t time.Duration) float64 {
			if t >= 30*time.Minute && t < 2*time.Hour {
				return 10
			}
			return 2
		}},
		{name: "ramp", length: 4 * time.Hour, load: func(t time.Duration) float64 {
			h := t.Hours()
			if h < 2 {
				return 1 + 5.5*h
			}
			return 12 - 5.5*(h-2)
		}},
		{name: "diurnal", length: 4 * time.Hour, load: func(t time.Duration) float64 {
			return 6 - 5*math.Cos(2*math.Pi*t.Hours()/4)
		}},
		{name: "spikes", length: 4 * time.Hour, load: func(t time.Duration) float64 { return spiky[at(t)] }},
		{name: "outage", length: 4 * time.Hour, load: func(t time.Duration) float64 {
			if t >= 40*time.Minute && t < 150*time.Minute {
				return 8
			}
			return 3
		}, outage: func(t time.Duration) bool { return t >= 30*time.Minute && t < 70*time.Minute }},
	}
}

// model is an autoscaler under test: every simStep it may read and act.
type model interface {
	// step sees the CPU reading of this instant and acts on the group.
	step(ctx context.Context, cpu scaling.Reading)
}

type modelMaker struct {
	name string
	make func(t *testing.T, clock *scalingfake.Clock, g *scalingfake.Group) model
}

type result struct {
	under, over float64
	actions     int
}

func simulate(t *testing.T, tr trace, mm modelMaker) result {
	t.Helper()
	ctx := context.Background()
	clock := scalingfake.NewClock(start)
	need0 := tr.load(0) / (simTarget / 100)
	g, err := scalingfake.NewGroup(clock, scalingfake.GroupOptions{Min: simMin, Max: simMax, Desired: int(math.Ceil(need0)),
		WarmUp: time.Minute, Linger: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	m := mm.make(t, clock, g)
	var res result
	for el := time.Duration(0); el < tr.length; el += simStep {
		st, _ := g.State(ctx)
		cpu := scaling.Reading{Value: scalingfake.Utilisation(tr.load(el), st)}
		if tr.outage != nil && tr.outage(el) {
			cpu = scaling.Reading{Err: errors.New("metrics unavailable")}
		}
		before := g.Writes()
		m.step(ctx, cpu)
		res.actions += g.Writes() - before
		st, _ = g.State(ctx)
		ready, _, _, _ := st.Counts()
		need := tr.load(el) / (simTarget / 100)
		minutes := simStep.Minutes()
		res.under += math.Max(0, need-float64(ready)) * minutes
		res.over += math.Max(0, float64(ready)-need) * minutes
		clock.Advance(simStep)
	}
	return res
}

// oursSpec is what the comparison runs for opskit: CPU target tracking at
// 50% that scales out on any excess (no out tolerance) to 10% below the
// target (Headroom 0.1) and in outside a 10% band, the default behaviour
// (scale-out unlimited, as AWS; scale-in over a 5 minute window), and a
// fallback of 8 instances while the metric is down.
func oursSpec() scaling.Spec {
	return scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: simTarget,
		Tolerance: scaling.Tolerance{Out: scaling.NoTolerance}, Headroom: 0.1}}, Fallback: 8}
}

// ours runs the Controller every 15 s.
type ours struct {
	ctl *scaling.Controller
	cpu scaling.Reading
}

func newOurs(t *testing.T, clock *scalingfake.Clock, g *scalingfake.Group) model {
	o := &ours{}
	var err error
	if o.ctl, err = scaling.NewController(scaling.ControllerOptions{Clock: clock}); err != nil {
		t.Fatal(err)
	}
	err = o.ctl.Add(scaling.GroupConfig{Name: "sim", Group: g, Spec: oursSpec(),
		Metrics: map[string]scaling.MetricFunc{"cpu": func(context.Context, scaling.GroupState) (float64, error) { return o.cpu.Value, o.cpu.Err }}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (o *ours) step(ctx context.Context, cpu scaling.Reading) {
	o.cpu = cpu
	_ = o.ctl.Tick(ctx)
}

// hpa models the Kubernetes HPA with default behaviour, every 15 s:
// desired = ceil(ready × cpu / target) outside a 0.1 tolerance, pods not
// ready counted at 0% on scale-up (a recommendation at or below the
// current one is dropped), no action on missing metrics; scale-up at most
// max(4 pods, 100%) per 15 s; scale-down to the highest recommendation of
// 300 s, at most 100% per 15 s.
type hpa struct {
	clock *scalingfake.Clock
	g     *scalingfake.Group
	recs  []timed
	ups   []timed
	downs []timed
}

type timed struct {
	at time.Time
	n  int
}

func newHPA(_ *testing.T, clock *scalingfake.Clock, g *scalingfake.Group) model {
	return &hpa{clock: clock, g: g}
}

func within(ts []timed, now time.Time, d time.Duration) []timed {
	var out []timed
	for _, x := range ts {
		if now.Sub(x.at) < d {
			out = append(out, x)
		}
	}
	return out
}

func sum(ts []timed) int {
	n := 0
	for _, x := range ts {
		n += x.n
	}
	return n
}

func (h *hpa) step(ctx context.Context, cpu scaling.Reading) {
	if cpu.Err != nil {
		return
	}
	now := h.clock.Now()
	st, _ := h.g.State(ctx)
	ready, _, _, _ := st.Counts()
	cur := st.Desired
	rec := cur
	if ratio := cpu.Value / simTarget; math.Abs(ratio-1) > 0.1 && ready > 0 {
		rec = int(math.Ceil(float64(ready)*ratio - 1e-9))
		if ratio > 1 && rec <= cur {
			rec = cur
		}
	}
	h.recs = append(within(h.recs, now, 300*time.Second), timed{now, rec})
	up, down := rec, rec // the scale-up window is 0 s
	for _, r := range h.recs {
		down = max(down, r.n)
	}
	n := cur
	if n < up {
		n = up
	}
	if n > down {
		n = down
	}
	h.ups, h.downs = within(h.ups, now, 15*time.Second), within(h.downs, now, 15*time.Second)
	startN := cur - sum(h.ups) + sum(h.downs)
	if n > cur {
		n = min(n, max(startN+4, int(math.Ceil(float64(startN)*2))))
	} else if n < cur {
		n = max(n, 0)
	}
	n = max(simMin, min(n, simMax))
	if n != cur && h.g.SetDesired(ctx, n) == nil {
		if n > cur {
			h.ups = append(h.ups, timed{now, n - cur})
		} else {
			h.downs = append(h.downs, timed{now, cur - n})
		}
	}
}

// awsTT models AWS target tracking: one-minute datapoints (the average of
// the minute); the high alarm fires when 3 of 3 datapoints are above the
// target, the low alarm when 15 of 15 are below 90% of it; each minute an
// alarm is in ALARM the policy sets ceil(in-service × datapoint / target),
// never counting warming instances, never scaling in while any warm up; a
// minute with missing data breaks both alarms.
type awsTT struct {
	clock  *scalingfake.Clock
	g      *scalingfake.Group
	minute []float64
	points []float64
	broken bool
}

func newAWS(_ *testing.T, clock *scalingfake.Clock, g *scalingfake.Group) model {
	return &awsTT{clock: clock, g: g}
}

func (a *awsTT) step(ctx context.Context, cpu scaling.Reading) {
	if cpu.Err != nil {
		a.broken = true
		a.minute = append(a.minute, 0)
	} else {
		a.minute = append(a.minute, cpu.Value)
	}
	if len(a.minute) < 4 {
		return // the minute is not over
	}
	if a.broken {
		// The minute has missing data: INSUFFICIENT_DATA breaks the run.
		a.points, a.broken, a.minute = nil, false, a.minute[:0]
		return
	}
	var avg float64
	for _, v := range a.minute {
		avg += v
	}
	avg /= float64(len(a.minute))
	a.minute = a.minute[:0]
	a.points = append(a.points, avg)
	if len(a.points) > 15 {
		a.points = a.points[len(a.points)-15:]
	}
	st, _ := a.g.State(ctx)
	ready, starting, _, _ := st.Counts()
	all := func(n int, f func(float64) bool) bool {
		if len(a.points) < n {
			return false
		}
		for _, p := range a.points[len(a.points)-n:] {
			if !f(p) {
				return false
			}
		}
		return true
	}
	want := int(math.Ceil(float64(ready)*avg/simTarget - 1e-9))
	switch {
	case all(3, func(p float64) bool { return p > simTarget }):
		if want > st.Desired {
			_ = a.g.SetDesired(ctx, min(want, simMax))
		}
	case all(15, func(p float64) bool { return p < 0.9*simTarget }) && starting == 0:
		if want < st.Desired {
			_ = a.g.SetDesired(ctx, max(want, simMin))
		}
	}
}

// swarmRule models the Swarm autoscalers (jcwimer/docker-swarm-autoscaler):
// every 60 s, above 85% CPU add one replica, below 25% remove one.
type swarmRule struct {
	clock *scalingfake.Clock
	g     *scalingfake.Group
	next  time.Time
}

func newSwarmRule(_ *testing.T, clock *scalingfake.Clock, g *scalingfake.Group) model {
	return &swarmRule{clock: clock, g: g, next: clock.Now()}
}

func (s *swarmRule) step(ctx context.Context, cpu scaling.Reading) {
	now := s.clock.Now()
	if now.Before(s.next) {
		return
	}
	s.next = now.Add(time.Minute)
	if cpu.Err != nil {
		return
	}
	st, _ := s.g.State(ctx)
	switch {
	case cpu.Value > 85 && st.Desired < simMax:
		_ = s.g.SetDesired(ctx, st.Desired+1)
	case cpu.Value < 25 && st.Desired > simMin:
		_ = s.g.SetDesired(ctx, st.Desired-1)
	}
}

func TestPolicyTraces(t *testing.T) {
	models := []modelMaker{{"opskit", newOurs}, {"aws-target-tracking", newAWS}, {"hpa-defaults", newHPA}, {"swarm-85/25", newSwarmRule}}
	var table strings.Builder
	fmt.Fprintf(&table, "%-8s %-20s %10s %10s %8s\n", "trace", "model", "under i·m", "over i·m", "actions")
	for _, tr := range traces() {
		res := map[string]result{}
		for _, mm := range models {
			r := simulate(t, tr, mm)
			res[mm.name] = r
			fmt.Fprintf(&table, "%-8s %-20s %10.1f %10.1f %8d\n", tr.name, mm.name, r.under, r.over, r.actions)
		}
		o := res["opskit"]
		for _, mm := range models[1:] {
			if o.under > res[mm.name].under {
				t.Errorf("%s: opskit under-provisioned %.1f instance-minutes, more than %s (%.1f)", tr.name, o.under, mm.name, res[mm.name].under)
			}
		}
		if a := res["aws-target-tracking"]; o.over > a.over {
			t.Errorf("%s: opskit over-provisioned %.1f instance-minutes, more than AWS target tracking (%.1f)", tr.name, o.over, a.over)
		}
		// Issue 11 asks for fewer actions than the threshold rule; on slow
		// ramps that conflicts with over-provisioning no more than AWS (see
		// the report), so this bounds the regression instead.
		if s := res["swarm-85/25"]; o.actions > 2*s.actions {
			t.Errorf("%s: opskit took %d actions, more than twice the threshold rule (%d)", tr.name, o.actions, s.actions)
		}
	}
	t.Logf("\n%s", table.String())
}
