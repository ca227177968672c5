package scaling_test

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
)

var now = time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)

// inService returns a group state with n instances in service.
func inService(min, max, n int) scaling.GroupState {
	st := scaling.GroupState{Min: min, Max: max, Desired: n}
	for i := 0; i < n; i++ {
		st.Instances = append(st.Instances, scaling.Instance{ID: fmt.Sprint("i-", i), State: scaling.InService})
	}
	return st
}

func ExampleEngine_Decide() {
	e, err := scaling.NewEngine(scaling.Spec{Policies: []scaling.Policy{
		&scaling.TargetTracking{Metric: "cpu", Target: 50},
	}})
	if err != nil {
		panic(err)
	}
	d := e.Decide(scaling.Input{
		Now:     now,
		State:   inService(2, 20, 4),
		Metrics: map[string]scaling.Reading{"cpu": {Value: 90}},
	})
	fmt.Println(d.Reason)
	// Output: scale out from 4 to 8: target-tracking cpu: cpu 90 (target 50) 1.8× target over 4 in service: 8
}

func ExampleTargetTracking() {
	e, _ := scaling.NewEngine(scaling.Spec{Policies: []scaling.Policy{
		&scaling.TargetTracking{Metric: "net-in", Target: 50e6, Tolerance: scaling.Tolerance{Out: 0.05, In: 0.2}},
	}})
	for _, bps := range []float64{52e6, 54e6} {
		d := e.Decide(scaling.Input{Now: now, State: inService(1, 10, 4), Metrics: map[string]scaling.Reading{"net-in": {Value: bps}}})
		fmt.Println(d.Desired)
	}
	// Output:
	// 4
	// 5
}

func ExampleStepScaling() {
	// AWS's example: alarm at 60% CPU, +10% from 70, +30% from 80.
	e, _ := scaling.NewEngine(scaling.Spec{Policies: []scaling.Policy{&scaling.StepScaling{
		Metric: "cpu", Threshold: 60, Adjustment: scaling.PercentChangeInCapacity,
		Steps: []scaling.Step{{Lower: 0, Upper: 10}, {Lower: 10, Upper: 20, Adjustment: 10}, {Lower: 20, Upper: math.Inf(1), Adjustment: 30}},
	}}})
	d := e.Decide(scaling.Input{Now: now, State: inService(1, 20, 10), Metrics: map[string]scaling.Reading{"cpu": {Value: 85}}})
	fmt.Println(d.Reason)
	// Output: scale out from 10 to 13: step cpu: cpu 85 in step [+20, +Inf) of threshold 60: 10 +3 = 13
}

func ExampleBacklog() {
	// 10 s acceptable latency, 0.1 s per message: 100 messages per worker.
	// The backlog counts unacknowledged messages, so busy workers stay.
	e, _ := scaling.NewEngine(scaling.Spec{Policies: []scaling.Policy{&scaling.Backlog{
		Metric: "orders", AcceptableLatency: 10 * time.Second, ProcessingTime: 100 * time.Millisecond,
	}}})
	d := e.Decide(scaling.Input{Now: now, State: inService(0, 50, 10), Metrics: map[string]scaling.Reading{"orders": {Value: 1500}}})
	fmt.Println(d.Reason)
	// Output: scale out from 10 to 15: backlog orders: backlog per instance 150 (target 100) 1.5× target over 10 in service: 15
}

func ExampleSchedule() {
	e, _ := scaling.NewEngine(scaling.Spec{Schedules: []scaling.Schedule{
		{Name: "business hours", Cron: "0 8 * * 1-5", Min: scaling.Int(6), Max: scaling.Int(30)},
		{Name: "night", Cron: "0 19 * * *", Min: scaling.Int(2), Max: scaling.Int(10)},
	}})
	d := e.Decide(scaling.Input{Now: now, State: inService(2, 10, 2)})
	fmt.Println(d.Schedule, d.Desired, d.Min, d.Max)
	// Output: business hours 6 6 30
}

func ExampleController() {
	clock := scalingfake.NewClock(now)
	group, _ := scalingfake.NewGroup(clock, scalingfake.GroupOptions{Min: 1, Max: 10, Desired: 2, WarmUp: time.Minute})
	load := &scalingfake.Load{}
	ctl, _ := scaling.NewController(scaling.ControllerOptions{
		Clock: clock,
		OnDecision: func(d scaling.Decision) {
			if d.Direction != scaling.Hold {
				fmt.Printf("%s %s: %s\n", d.At.Format("15:04:05"), d.Group, d.Reason)
			}
		},
	})
	_ = ctl.Add(scaling.GroupConfig{
		Name:    "web",
		Group:   group,
		Spec:    scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}}},
		Metrics: map[string]scaling.MetricFunc{"cpu": load.CPU()},
	})
	ctx := context.Background()
	load.Set(1.4) // 1.4 instances' worth of work: 70% on 2
	for i := 0; i < 8; i++ {
		_ = ctl.Tick(ctx)
		clock.Advance(15 * time.Second)
	}
	load.Set(0.2)
	for i := 0; i < 40; i++ {
		_ = ctl.Tick(ctx)
		clock.Advance(15 * time.Second)
	}
	// Output:
	// 12:00:00 web: scale out from 2 to 3: target-tracking cpu: cpu 70 (target 50) 1.4× target over 2 in service: 3
	// 12:06:45 web: scale in from 3 to 1: target-tracking cpu: cpu 6.667 (target 50) 0.133× target over 3 in service: 1
}
