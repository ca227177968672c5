package main

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
)

// Demo world: queue workers, each handling up to demoRate messages a
// second, fed by 20 messages a second that surge to 100 for twenty
// minutes and ease off to 15, over a simulated hour.
const (
	demoRate     = 10.0 // messages a second one worker handles
	demoStep     = 15 * time.Second
	demoDuration = time.Hour
)

// arrivals is the simulated load in messages a second at t.
func arrivals(t time.Duration) float64 {
	m := t.Minutes()
	switch {
	case m < 5:
		return 20
	case m < 25:
		return 100 // a surge: five times the load at once
	case m < 30:
		return 100 - (m-25)*17 // easing off to 15
	default:
		return 15
	}
}

func demo(ctx context.Context, env *cli.Env, o options) error {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clk := scalingfake.NewClock(start)
	group, err := scalingfake.NewGroup(clk, scalingfake.GroupOptions{Min: 2, Max: 16, Desired: 2, Launch: 30 * time.Second, WarmUp: time.Minute, Linger: 30 * time.Second})
	if err != nil {
		return err
	}
	var load scalingfake.Load
	var backlog scalingfake.Metric
	spec := scaling.Spec{
		Policies: []scaling.Policy{
			&scaling.TargetTracking{Metric: "cpu", Target: 60},
			&scaling.Backlog{Metric: "backlog", AcceptableLatency: 30 * time.Second, ProcessingTime: time.Second / demoRate},
		},
		ScaleIn: &scaling.Rules{Window: o.scaleInWindow},
		DryRun:  o.dryRun,
	}
	p := newPrinter(env, true)
	p.start = start
	c, err := scaling.NewController(scaling.ControllerOptions{Clock: clk, Interval: demoStep, OnDecision: p.decision, Logger: controllerLog(env)})
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Add(scaling.GroupConfig{Name: "workers", Group: group, Spec: spec,
		Metrics: map[string]scaling.MetricFunc{"cpu": load.CPU(), "backlog": backlog.Func()}}); err != nil {
		return cli.Usagef("%v", err)
	}
	env.Printf("Demo: queue workers (10 msg/s each, min 2, max 16) under a simulated hour of load, on a simulated clock.\n")
	env.Printf("Policies: CPU at 60%% per worker, and at most 30 s of backlog (300 messages) per worker; scale-in window %s.\n", o.scaleInWindow)
	env.Printf("New workers take 30 s to start and 1 min to warm up. Real groups: autoscale -h.\n\n")

	// No progress bar: the simulated hour takes milliseconds and prints as
	// it goes.
	var queued float64
	for t := time.Duration(0); t < demoDuration; t += demoStep {
		if ctx.Err() != nil {
			break
		}
		st, err := group.State(ctx)
		if err != nil {
			return err
		}
		ready, _, _, _ := st.Counts()
		a := arrivals(t)
		queued = math.Max(0, queued+(a-demoRate*float64(ready))*demoStep.Seconds())
		load.Set(a / demoRate)
		backlog.Set(math.Round(queued))
		if t%(5*time.Minute) == 0 {
			env.Printf("t+%s  load %3.0f msg/s  cpu %3.0f%%  backlog %5.0f  workers %d in service, %d desired\n",
				clock(t), a, scalingfake.Utilisation(a/demoRate, st), math.Round(queued), ready, st.Desired)
			env.Event("load", "t", t.String(), "arrivals", a, "backlog", math.Round(queued), "in_service", ready, "desired", st.Desired)
		}
		clk.Advance(demoStep)
		if err := c.Tick(ctx); err != nil {
			break
		}
	}
	env.Printf("\n%d scale-outs and %d scale-ins in a simulated hour", p.changes[scaling.Out], p.changes[scaling.In])
	if o.dryRun {
		env.Printf(" (dry run: decided, never applied; the group stayed at 2)")
	}
	env.Printf(".\n")
	if s := cli.Signal(ctx); s != nil {
		env.Printf("stopped by %s\n", s)
	}
	if p.changes[scaling.Out] == 0 || (p.changes[scaling.In] == 0 && !o.dryRun) {
		return fmt.Errorf("demo: expected both scale-out and scale-in")
	}
	return nil
}
