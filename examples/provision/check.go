package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/scaling/awsec2"
	"github.com/opskit-dev/opskit/secrets"
)

// check validates what decoding cannot, naming field and line: required
// fields, names that refer to other sections, the launch template's team
// file (rendered into its user data, from teams), and every spec through
// its package's own Validate, so nothing is changed for a file with a
// mistake.
func (c *config) check(ctx context.Context, cfg *cli.Config, teams teamSource) cli.ConfigErrors {
	var errs cli.ConfigErrors
	add := func(field, format string, args ...any) { errs = append(errs, cfg.Errorf(field, format, args...)) }
	need := func(field string, ok bool) {
		if !ok {
			add(field, "required")
		}
	}
	if c.Service == "" {
		add("service", "required: names the service in output and labels")
	}
	sgs := map[string]bool{}
	for _, g := range c.SecurityGroups {
		sgs[g.Name] = true
	}
	refSG := func(field string, names []string) {
		for _, n := range names {
			if !sgs[n] {
				add(field, "security group %q is not in security_groups", n)
			}
		}
	}
	for i, g := range c.SecurityGroups {
		for j, r := range g.Ingress {
			refSG(fmt.Sprintf("security_groups[%d].ingress[%d].from_groups", i, j), r.FromGroups)
		}
	}
	w := newWorld(c)
	w.subnets = []string{"subnet-check-a", "subnet-check-b"}
	w.vpc = "vpc-check"
	if len(errs) == 0 {
		if err := awsec2.ValidateGroups((&sgStep{w: w}).specs()...); err != nil {
			add("security_groups", "%v", err)
		}
	}
	tgs := map[string]bool{}
	if lb := c.LoadBalancer; lb != nil {
		need("load_balancer.name", lb.Name != "")
		refSG("load_balancer.security_groups", lb.SecurityGroups)
		for _, tg := range lb.TargetGroups {
			tgs[tg.Name] = true
		}
		for i, l := range lb.Listeners {
			p := fmt.Sprintf("load_balancer.listeners[%d]", i)
			if !tgs[l.Default] {
				add(p+".default", "target group %q is not in load_balancer.target_groups", l.Default)
			}
			for j, r := range l.Rules {
				if !tgs[r.Forward] {
					add(fmt.Sprintf("%s.rules[%d].forward", p, j), "target group %q is not in load_balancer.target_groups", r.Forward)
				}
			}
		}
		if err := (&lbStep{w: w}).spec().Validate(); err != nil && len(errs) == 0 {
			add("load_balancer", "%v", err)
		}
	}
	if a := c.AutoScaling; a != nil {
		need("autoscaling.name", a.Name != "")
		need("autoscaling.launch_template.name", a.LaunchTemplate.Name != "")
		refSG("autoscaling.launch_template.security_groups", a.LaunchTemplate.SecurityGroups)
		errs = append(errs, c.renderAccess(ctx, cfg, teams, time.Now())...)
		for _, n := range a.TargetGroups {
			if !tgs[n] {
				add("autoscaling.target_groups", "target group %q is not in load_balancer.target_groups", n)
			}
		}
		for i, p := range a.Policies {
			set := 0
			for _, v := range []float64{p.CPU, p.NetworkIn, p.NetworkOut} {
				if v > 0 {
					set++
				}
			}
			if set != 1 {
				add(fmt.Sprintf("autoscaling.policies[%d]", i), "want exactly one of cpu, network_in, network_out (a target above 0)")
			}
		}
		if len(errs) == 0 {
			s := &asgStep{w: w}
			if err := s.template().Validate(); err != nil {
				add("autoscaling.launch_template", "%v", err)
			}
			if err := s.spec().Validate(); err != nil {
				add("autoscaling", "%v", err)
			}
		}
	}
	if d := c.Database; d != nil {
		need("database.identifier", d.Identifier != "")
		need("database.password_secret", d.PasswordSecret != "")
		need("database.engine_version", d.EngineVersion != "")
		refSG("database.security_groups", d.SecurityGroups)
		if d.Replica != nil {
			need("database.replica.identifier", d.Replica.Identifier != "")
		}
		if len(errs) == 0 {
			w.dbPassword = secrets.NewValue([]byte("placeholder-for-validation-only"))
			spec, err := (&dbStep{w: w}).spec()
			if err == nil {
				err = spec.Validate()
			}
			if err != nil {
				add("database", "%v", err)
			}
		}
	}
	if r := c.RabbitMQ; r != nil && len(errs) == 0 {
		if _, err := (&rabbitStep{w: w}).topology(); err != nil {
			add("rabbitmq", "%v", err)
		}
	}
	if s := c.Swarm; s != nil {
		var names []string
		for i, sec := range s.Secrets {
			names = append(names, sec.Name)
			switch sec.From {
			case "generate":
			case "database":
				if c.Database == nil {
					add(fmt.Sprintf("swarm.secrets[%d].from", i), "database: there is no database section")
				}
			default:
				add(fmt.Sprintf("swarm.secrets[%d].from", i), "%q: want database or generate", sec.From)
			}
		}
		for i, svc := range s.Services {
			for _, n := range svc.Secrets {
				if !slices.Contains(names, n) {
					add(fmt.Sprintf("swarm.services[%d].secrets", i), "secret %q is not in swarm.secrets", n)
				}
			}
			if err := (&swarmStep{w: w}).specs()[i].Validate(); err != nil {
				add(fmt.Sprintf("swarm.services[%d]", i), "%v", err)
			}
		}
	}
	return errs
}
