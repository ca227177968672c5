// Command autoscale is the scaling controller for Docker Swarm services and
// EC2 Auto Scaling groups: every round it reads each group's state, its CPU
// and its RabbitMQ backlog (ready plus unacknowledged messages), lets
// opskit's engine decide, applies the decision and prints it with its reason.
//
// Without a group it runs a demo: an in-memory group (scaling/scalingfake)
// under a simulated day of load on a simulated clock, showing scale-out and
// scale-in in about a second:
//
//	go run ./examples/autoscale
//
// Real groups use each ecosystem's standard configuration: DOCKER_HOST for
// Swarm, the AWS SDK's default chain and region (plus --aws-endpoint for an
// emulator) for Auto Scaling, AMQP URLs for RabbitMQ:
//
//	autoscale --service web --min 2 --max 10 --cpu-target 60
//	autoscale --service worker --min 0 --max 20 --amqp amqp://rabbit:5672 --queue jobs --per-instance 100
//	autoscale --service web --labels         # bounds and policy from opskit.scaling.* labels
//	autoscale --asg web-asg --cpu-target 50 --dry-run
package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/scaling"
)

const usage = `autoscale scales Docker Swarm services and EC2 Auto Scaling groups on CPU
and RabbitMQ backlog, printing every decision and its reason.

Usage:
  autoscale [flags]                                    demo: a simulated group under a simulated load
  autoscale --service NAME [--service NAME]... [flags] Swarm services (DOCKER_HOST)
  autoscale --asg NAME [--asg NAME]... [flags]         Auto Scaling groups (AWS default chain)

Policies (at least one, or --labels for Swarm services):
  --cpu-target P        keep average CPU at P percent per instance (target tracking)
  --queue Q --amqp URL  keep the backlog of queue Q at --per-instance messages per instance

A group scales out when any policy asks and in only when all agree, after
--scale-in-window of lower recommendations; --dry-run decides without acting.`

type options struct {
	services, asgs, amqpURLs multi
	labels, dryRun           bool
	min, max                 int
	cpuTarget                float64
	queue, rabbitAPI         string
	perInstance              float64
	warmUp, interval         time.Duration
	scaleInWindow            time.Duration
	rounds                   int
	holder, awsEndpoint      string
}

func main() { cli.Main("autoscale", run) }

func run(ctx context.Context, env *cli.Env, args []string) error {
	fs := env.Flags("autoscale", usage)
	var o options
	fs.Var(&o.services, "service", "Swarm service to scale, by name or ID (repeatable)")
	fs.Var(&o.asgs, "asg", "EC2 Auto Scaling group to scale (repeatable)")
	fs.BoolVar(&o.labels, "labels", false, "Swarm: read min, max and policy from the service's opskit.scaling.* labels")
	fs.IntVar(&o.min, "min", 1, "Swarm: fewest replicas (Auto Scaling groups keep their own bounds)")
	fs.IntVar(&o.max, "max", 10, "Swarm: most replicas")
	fs.Float64Var(&o.cpuTarget, "cpu-target", 0, "average CPU percent per instance to hold (0: no CPU policy)")
	fs.Var(&o.amqpURLs, "amqp", "AMQP URL of a RabbitMQ node (repeatable; the queue's backlog is read through them)")
	fs.StringVar(&o.queue, "queue", "", "RabbitMQ queue whose backlog (ready + unacknowledged) drives the workers")
	fs.StringVar(&o.rabbitAPI, "rabbitmq-api", "", "RabbitMQ management API base URL, for unacknowledged counts (default: ready messages only, by passive declare)")
	fs.Float64Var(&o.perInstance, "per-instance", 100, "backlog one instance may hold (acceptable latency / processing time)")
	fs.DurationVar(&o.warmUp, "warm-up", 30*time.Second, "Swarm: how long a new task counts as warming up")
	fs.DurationVar(&o.interval, "interval", 15*time.Second, "time between rounds")
	fs.DurationVar(&o.scaleInWindow, "scale-in-window", 5*time.Minute, "scale in only to the highest recommendation of this window")
	fs.IntVar(&o.rounds, "rounds", 0, "stop after this many rounds (0: until SIGINT or SIGTERM)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "decide and print, change nothing")
	fs.StringVar(&o.holder, "holder", "", "name this controller in a lease on each group, so only one of several acts")
	fs.StringVar(&o.awsEndpoint, "aws-endpoint", "", "AWS endpoint URL (an emulator such as moto); credentials and region from the default chain")
	if err := env.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	if len(o.services) == 0 && len(o.asgs) == 0 {
		return demo(ctx, env, o)
	}
	groups, cleanup, err := o.groups(ctx, env)
	if err != nil {
		return err
	}
	defer cleanup()
	return control(ctx, env, o, groups)
}

// control runs the controller over groups on the wall clock.
func control(ctx context.Context, env *cli.Env, o options, groups []scaling.GroupConfig) error {
	p := newPrinter(env, false)
	for _, g := range groups {
		p.width = max(p.width, len(g.Name))
	}
	c, err := scaling.NewController(scaling.ControllerOptions{
		Interval:   o.interval,
		Logger:     controllerLog(env),
		OnDecision: p.decision,
		Holder:     o.holder,
	})
	if err != nil {
		return cli.Usagef("%v", err)
	}
	defer c.Close()
	for _, g := range groups {
		if err := c.Add(g); err != nil {
			return cli.Usagef("group %s: %v", g.Name, err)
		}
	}
	mode := "acting"
	if o.dryRun {
		mode = "dry run: deciding only"
	}
	env.Printf("autoscale: %d group(s), a round every %s, %s\n", len(groups), o.interval, mode)
rounds:
	for round := 1; ; round++ {
		if err := c.Tick(ctx); err != nil || (o.rounds > 0 && round >= o.rounds) {
			break
		}
		select {
		case <-ctx.Done():
			break rounds
		case <-time.After(o.interval):
		}
	}
	if s := cli.Signal(ctx); s != nil {
		env.Printf("autoscale: stopped by %s\n", s)
		return nil
	}
	if err := ctx.Err(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return p.failures()
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string { return "" }
func (m *multi) Set(v string) error {
	*m = append(*m, v)
	return nil
}

// controllerLog is the controller's own decision log with -v; without it
// the printer reports every decision (and its error) once.
func controllerLog(env *cli.Env) *slog.Logger {
	if env.Verbose {
		return env.Log
	}
	return nil
}
