package main

import (
	"context"

	"github.com/opskit-dev/opskit/scaling/elb"
)

// lbAPI is what the load balancer step needs of ELBv2.
type lbAPI interface {
	elb.API
	elb.DeleteAPI
}

// lbStep is the ALB or NLB with its target groups, listeners and path
// rules (scaling/elb).
type lbStep struct {
	w    *world
	api  lbAPI
	prov *elb.Provisioner
}

func (s *lbStep) Name() string { return "load balancer" }

func (s *lbStep) spec() elb.LoadBalancerSpec {
	c := s.w.cfg.LoadBalancer
	spec := elb.LoadBalancerSpec{Name: c.Name, Type: c.Type, Internal: c.Internal, Subnets: s.w.subnets, SecurityGroups: s.w.sg(c.SecurityGroups)}
	for _, tg := range c.TargetGroups {
		spec.TargetGroups = append(spec.TargetGroups, elb.TargetGroupSpec{Name: tg.Name, Protocol: tg.Protocol, Port: tg.Port, VPC: s.w.vpc, HealthCheckPath: tg.HealthCheckPath})
	}
	for _, l := range c.Listeners {
		ls := elb.ListenerSpec{Protocol: l.Protocol, Port: l.Port, Default: elb.Action{Forward: l.Default}}
		for _, r := range l.Rules {
			ls.Rules = append(ls.Rules, elb.RuleSpec{Paths: r.Paths, Hosts: r.Hosts, Action: elb.Action{Forward: r.Forward}})
		}
		spec.Listeners = append(spec.Listeners, ls)
	}
	return spec
}

func (s *lbStep) learn(p *elb.Plan) {
	for k, v := range p.TargetGroupARNs() {
		s.w.tgARNs[k] = v
	}
}

func (s *lbStep) Plan(ctx context.Context) ([]string, error) {
	plans, err := s.prov.Plan(ctx, s.spec())
	if err != nil {
		return nil, err
	}
	s.learn(plans[0])
	return lines(plans[0].Changes), nil
}

func (s *lbStep) Apply(ctx context.Context) ([]string, error) {
	plans, err := s.prov.Apply(ctx, s.spec())
	if len(plans) == 0 {
		return nil, err
	}
	s.learn(plans[0])
	if err != nil {
		return nil, err
	}
	return lines(plans[0].Changes), nil
}

func (s *lbStep) Destroy(ctx context.Context) ([]string, error) {
	done, err := elb.Delete(ctx, s.api, s.spec())
	return lines(done), err
}
