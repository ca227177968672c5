package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
	"github.com/opskit-dev/opskit/scaling/swarm"
)

// spec builds the policies the flags ask for.
func (o options) spec() (scaling.Spec, error) {
	s := scaling.Spec{ScaleIn: &scaling.Rules{Window: o.scaleInWindow}, DryRun: o.dryRun}
	if o.cpuTarget < 0 || o.cpuTarget > 100 {
		return s, cli.Usagef("--cpu-target %v: want a percentage in (0, 100]", o.cpuTarget)
	}
	if o.cpuTarget > 0 {
		s.Policies = append(s.Policies, &scaling.TargetTracking{Metric: "cpu", Target: o.cpuTarget})
	}
	if o.queue != "" {
		if len(o.amqpURLs) == 0 {
			return s, cli.Usagef("--queue needs --amqp")
		}
		if o.perInstance <= 0 {
			return s, cli.Usagef("--per-instance %v: want more than 0", o.perInstance)
		}
		s.Policies = append(s.Policies, &scaling.Backlog{Metric: "backlog", PerInstance: o.perInstance})
	}
	return s, nil
}

// groups connects to the backends and returns a config per group, and a
// function that releases the connections.
func (o options) groups(ctx context.Context, env *cli.Env) ([]scaling.GroupConfig, func(), error) {
	var closers []func()
	cleanup := func() {
		for _, c := range closers {
			c()
		}
	}
	spec, err := o.spec()
	if err != nil {
		return nil, cleanup, err
	}
	if len(spec.Policies) == 0 && !(o.labels && len(o.asgs) == 0) {
		return nil, cleanup, cli.Usagef("no policy: pass --cpu-target and/or --queue with --amqp (or --labels for Swarm services)")
	}
	if o.min < 0 || o.max < o.min {
		return nil, cleanup, cli.Usagef("--min %d --max %d: want 0 <= min <= max", o.min, o.max)
	}
	var backlog scaling.MetricFunc
	if o.queue != "" {
		m, closeFn, err := queueBacklog(ctx, env, o)
		if err != nil {
			return nil, cleanup, err
		}
		closers = append(closers, closeFn)
		backlog = m
	}
	var out []scaling.GroupConfig
	if len(o.services) > 0 {
		docker, err := client.New(client.FromEnv)
		if err != nil {
			return nil, cleanup, fmt.Errorf("docker: %w", err)
		}
		closers = append(closers, func() { docker.Close() })
		for _, name := range o.services {
			g, err := swarmGroup(ctx, docker, name, o, spec, backlog)
			if err != nil {
				return nil, cleanup, err
			}
			out = append(out, g)
		}
	}
	if len(o.asgs) > 0 {
		var opts []func(*awsconfig.LoadOptions) error
		cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, cleanup, fmt.Errorf("aws config: %w", err)
		}
		if o.awsEndpoint != "" {
			if _, err := url.ParseRequestURI(o.awsEndpoint); err != nil {
				return nil, cleanup, cli.Usagef("--aws-endpoint %q: not a URL", o.awsEndpoint)
			}
			cfg.BaseEndpoint = aws.String(o.awsEndpoint)
		}
		asg := autoscaling.NewFromConfig(cfg)
		metrics, err := awsasg.NewMetrics(cloudwatch.NewFromConfig(cfg), awsasg.MetricsOptions{})
		if err != nil {
			return nil, cleanup, err
		}
		for _, name := range o.asgs {
			g, err := awsasg.NewGroup(asg, name, awsasg.GroupOptions{})
			if err != nil {
				return nil, cleanup, cli.Usagef("--asg %q: %v", name, err)
			}
			m := map[string]scaling.MetricFunc{"cpu": metrics.CPU(name), "backlog": backlog}
			out = append(out, scaling.GroupConfig{Name: name, Group: g, Spec: spec, Metrics: used(spec, m)})
		}
	}
	return out, cleanup, nil
}

func swarmGroup(ctx context.Context, docker *client.Client, name string, o options, spec scaling.Spec, backlog scaling.MetricFunc) (scaling.GroupConfig, error) {
	res, err := docker.ServiceInspect(ctx, name, client.ServiceInspectOptions{})
	if err != nil {
		return scaling.GroupConfig{}, fmt.Errorf("swarm service %q: %w", name, err)
	}
	if o.labels {
		ls, ok, err := swarm.SpecFromLabels(name, res.Service.Spec.Labels)
		if err != nil {
			return scaling.GroupConfig{}, cli.Usagef("service %q labels: %v", name, err)
		}
		if ok {
			ls.Policies = append(ls.Policies, spec.Policies...)
			ls.DryRun = ls.DryRun || o.dryRun
			if ls.ScaleIn == nil {
				ls.ScaleIn = spec.ScaleIn
			}
			spec = ls
		} else if len(spec.Policies) == 0 {
			return scaling.GroupConfig{}, cli.Usagef("service %q has no %s label and no policy flag", name, swarm.LabelCPUTarget)
		}
	}
	svc, err := swarm.NewService(docker, name, swarm.ServiceOptions{Min: o.min, Max: o.max, Labels: o.labels, WarmUp: o.warmUp})
	if err != nil {
		return scaling.GroupConfig{}, cli.Usagef("service %q: %v", name, err)
	}
	m := map[string]scaling.MetricFunc{"cpu": swarm.NewMetrics(docker, svc).CPU(), "backlog": backlog}
	display := res.Service.Spec.Name
	if display == "" {
		display = name
	}
	return scaling.GroupConfig{Name: display, Group: svc, Spec: spec, Metrics: used(spec, m)}, nil
}

// queueBacklog reads the queue's ready plus unacknowledged messages: from
// the management API when --rabbitmq-api is set, else ready messages by a
// passive declare over AMQP.
func queueBacklog(ctx context.Context, env *cli.Env, o options) (scaling.MetricFunc, func(), error) {
	for i, u := range o.amqpURLs {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "amqp" && p.Scheme != "amqps") {
			return nil, nil, cli.Usagef("--amqp %s: want an amqp:// or amqps:// URL", cli.RedactURL(u, i+1))
		}
	}
	conn, err := bus.Dial(ctx, bus.Options{URLs: o.amqpURLs, Name: "opskit-autoscale"})
	if err != nil {
		return nil, nil, err // bus errors name nodes as "URL #n", never a password
	}
	var mgmt *bus.Management
	if o.rabbitAPI != "" {
		p, err := url.Parse(o.rabbitAPI)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
			conn.Close()
			return nil, nil, cli.Usagef("--rabbitmq-api: want an http:// or https:// URL")
		}
		mgmt = &bus.Management{URLs: []string{o.rabbitAPI}}
		user := p.User
		if user == nil {
			user, _ = amqpUser(o.amqpURLs[0])
		}
		if user != nil {
			mgmt.User = user.Username()
			mgmt.Password, _ = user.Password()
			p.User = nil
			mgmt.URLs = []string{p.String()}
		}
	}
	env.Log.Debug("backlog source", "queue", o.queue, "amqp", cli.RedactURL(o.amqpURLs[0], 1), "management", mgmt != nil)
	f := func(ctx context.Context, _ scaling.GroupState) (float64, error) {
		q, err := bus.QueueMetrics(ctx, conn, mgmt, o.queue)
		if err != nil {
			return 0, err
		}
		return float64(q.Backlog()), nil
	}
	return f, func() { conn.Close() }, nil
}

func amqpUser(u string) (*url.Userinfo, error) {
	p, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	return p.User, nil
}

// used keeps the metrics spec's policies read: the controller reads every
// metric it is given each round, and a Swarm CPU read takes a second.
func used(spec scaling.Spec, all map[string]scaling.MetricFunc) map[string]scaling.MetricFunc {
	out := map[string]scaling.MetricFunc{}
	for _, p := range spec.Policies {
		var name string
		switch p := p.(type) {
		case *scaling.TargetTracking:
			name = p.Metric
		case *scaling.Backlog:
			name = p.Metric
		case *scaling.StepScaling:
			name = p.Metric
		}
		if f := all[name]; f != nil {
			out[name] = f
		}
	}
	return out
}
