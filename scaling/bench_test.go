package scaling_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
)

// BenchmarkDecide is one decision for one group of 10 instances with
// target tracking on CPU and a backlog policy, and a history of an hour of
// 15 s decisions.
func BenchmarkDecide(b *testing.B) {
	e, err := scaling.NewEngine(scaling.Spec{Policies: []scaling.Policy{
		&scaling.TargetTracking{Metric: "cpu", Target: 50},
		&scaling.Backlog{Metric: "queue", PerInstance: 100},
	}})
	if err != nil {
		b.Fatal(err)
	}
	st := inService(1, 20, 10)
	h := &scaling.History{}
	at := now.Add(-time.Hour)
	metrics := map[string]scaling.Reading{"cpu": {Value: 52}, "queue": {Value: 900}}
	for ; at.Before(now); at = at.Add(15 * time.Second) {
		h.Record(e.Decide(scaling.Input{Now: at, State: st, Metrics: metrics, History: h}), false)
	}
	in := scaling.Input{Now: now, State: st, Metrics: metrics, History: h}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = e.Decide(in)
	}
}

// BenchmarkControllerTick is one round of a Controller over 10,000 fake
// groups of 10 instances (state read, one metric, decision, history);
// ns/op divided by 10,000 is the cost per group.
func BenchmarkControllerTick(b *testing.B) {
	const groups = 10000
	clock := scalingfake.NewClock(now)
	ctl, err := scaling.NewController(scaling.ControllerOptions{Clock: clock})
	if err != nil {
		b.Fatal(err)
	}
	cpu := &scalingfake.Metric{}
	cpu.Set(50)
	for i := 0; i < groups; i++ {
		g, err := scalingfake.NewGroup(clock, scalingfake.GroupOptions{Min: 1, Max: 20, Desired: 10})
		if err != nil {
			b.Fatal(err)
		}
		if err := ctl.Add(scaling.GroupConfig{Name: fmt.Sprint("g", i), Group: g,
			Spec:    scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}}},
			Metrics: map[string]scaling.MetricFunc{"cpu": cpu.Func()}}); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := ctl.Tick(ctx); err != nil {
			b.Fatal(err)
		}
		clock.Advance(15 * time.Second)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/groups, "ns/group")
}
