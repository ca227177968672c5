package main

import (
	"context"

	"github.com/opskit-dev/opskit/scaling/awsec2"
)

// sgStep is the network (resolved, never changed) and the security groups
// (scaling/awsec2).
type sgStep struct {
	w    *world
	ec2  awsec2.API
	prov *awsec2.Provisioner
}

func (s *sgStep) Name() string { return "security groups" }

func (s *sgStep) specs() []awsec2.SecurityGroupSpec {
	var out []awsec2.SecurityGroupSpec
	for _, g := range s.w.cfg.SecurityGroups {
		spec := awsec2.SecurityGroupSpec{Name: g.Name, Description: g.Description}
		for _, r := range g.Ingress {
			spec.Ingress = append(spec.Ingress, awsec2.Rule{Protocol: r.Protocol, FromPort: r.Port, ToPort: r.ToPort, CIDRs: r.CIDRs, Groups: r.FromGroups})
		}
		out = append(out, spec)
	}
	return out
}

// network resolves the VPC and subnets once.
func (s *sgStep) network(ctx context.Context) error {
	if s.w.vpc != "" {
		return nil
	}
	vpc, subnets, err := awsec2.ResolveNetwork(ctx, s.ec2, awsec2.Network{VPC: s.w.cfg.Network.VPC, Subnets: s.w.cfg.Network.Subnets})
	if err != nil {
		return err
	}
	s.w.vpc, s.w.subnets = vpc, subnets
	return nil
}

func lines[C interface{ String() string }](cs []C) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

func (s *sgStep) Plan(ctx context.Context) ([]string, error) {
	if err := s.network(ctx); err != nil {
		return nil, err
	}
	pl, err := s.prov.PlanGroups(ctx, s.w.vpc, s.specs()...)
	if err != nil {
		return nil, err
	}
	s.w.sgIDs = pl.IDs()
	return lines(pl.Changes), nil
}

func (s *sgStep) Apply(ctx context.Context) ([]string, error) {
	if err := s.network(ctx); err != nil {
		return nil, err
	}
	pl, err := s.prov.ApplyGroups(ctx, s.w.vpc, s.specs()...)
	if pl != nil {
		s.w.sgIDs = pl.IDs()
	}
	if err != nil {
		return nil, err
	}
	return lines(pl.Changes), nil
}

func (s *sgStep) Destroy(ctx context.Context) ([]string, error) {
	if err := s.network(ctx); err != nil {
		return nil, err
	}
	var names []string
	for _, g := range s.w.cfg.SecurityGroups {
		names = append(names, g.Name)
	}
	done, err := s.prov.DeleteGroups(ctx, s.w.vpc, names...)
	return lines(done), err
}
