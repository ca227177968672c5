package main

import (
	"context"
	"fmt"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
	"github.com/opskit-dev/opskit/scaling/awsec2"
)

// asgAPI is what the Auto Scaling step needs.
type asgAPI interface {
	awsasg.ProvisionAPI
	awsasg.DeleteAPI
}

// asgStep is the launch template (scaling/awsec2) and the Auto Scaling
// group with its min/max and target-tracking policies, run by AWS,
// attached to the load balancer's target groups (scaling/awsasg).
type asgStep struct {
	w    *world
	api  asgAPI
	cw   awsasg.AlarmAPI
	prov *awsasg.Provisioner
	ec2  *awsec2.Provisioner
}

func (s *asgStep) Name() string { return "autoscaling group" }

func (s *asgStep) template() awsec2.LaunchTemplateSpec {
	lt := s.w.cfg.AutoScaling.LaunchTemplate
	spec := awsec2.LaunchTemplateSpec{Name: lt.Name, ImageID: lt.Image, InstanceType: lt.InstanceType, SecurityGroups: lt.SecurityGroups}
	if lt.firstBoot != nil {
		spec.UserData = lt.firstBoot.userData
	}
	return spec
}

func (s *asgStep) spec() awsasg.GroupSpec {
	c := s.w.cfg.AutoScaling
	spec := awsasg.GroupSpec{Name: c.Name, LaunchTemplate: c.LaunchTemplate.Name, Min: c.Min, Max: c.Max, Desired: c.Desired,
		Subnets: s.w.subnets, HealthCheckType: c.HealthCheck, HealthCheckGracePeriod: c.GracePeriod, DefaultInstanceWarmup: c.WarmUp,
		TargetGroupARNs: s.w.tg(c.TargetGroups)}
	for _, p := range c.Policies {
		var ps awsasg.PolicySpec
		switch {
		case p.CPU > 0:
			ps = awsasg.PolicySpec{Policy: &scaling.TargetTracking{Name: "cpu", Metric: "cpu", Target: p.CPU}, Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageCPUUtilization}}
		case p.NetworkIn > 0:
			ps = awsasg.PolicySpec{Policy: &scaling.TargetTracking{Name: "network-in", Metric: "network_in", Target: p.NetworkIn}, Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageNetworkIn}}
		case p.NetworkOut > 0:
			ps = awsasg.PolicySpec{Policy: &scaling.TargetTracking{Name: "network-out", Metric: "network_out", Target: p.NetworkOut}, Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageNetworkOut}}
		}
		spec.Policies = append(spec.Policies, ps)
	}
	return spec
}

func (s *asgStep) Plan(ctx context.Context) ([]string, error) {
	lt, err := s.ec2.PlanTemplate(ctx, s.template(), s.w.sgIDs)
	if err != nil {
		return nil, err
	}
	plans, err := s.prov.Plan(ctx, s.spec())
	if err != nil {
		return nil, err
	}
	return append(withAccess(s.w.cfg.AutoScaling.LaunchTemplate.firstBoot, lt), s.groupLines(plans[0])...), nil
}

// groupLines says what the group plan does, creation in one line.
func (s *asgStep) groupLines(p *awsasg.Plan) []string {
	if !p.Create {
		return lines(p.Changes)
	}
	c := s.w.cfg.AutoScaling
	out := []string{fmt.Sprintf("create group %s: min %d, max %d, desired %d, in %d subnets, %d target groups, health check %s",
		c.Name, c.Min, c.Max, c.Desired, len(s.w.subnets), len(c.TargetGroups), s.spec().HealthCheckType)}
	return append(out, lines(p.Changes)...)
}

func (s *asgStep) Apply(ctx context.Context) ([]string, error) {
	lt, err := s.ec2.ApplyTemplate(ctx, s.template(), s.w.sgIDs)
	done := withAccess(s.w.cfg.AutoScaling.LaunchTemplate.firstBoot, lt)
	if err != nil {
		return done, err
	}
	plans, err := s.prov.Apply(ctx, s.spec())
	if len(plans) > 0 && err == nil {
		done = append(done, s.groupLines(plans[0])...)
	}
	return done, err
}

func (s *asgStep) Destroy(ctx context.Context) ([]string, error) {
	done, err := awsasg.Delete(ctx, s.api, s.cw, s.w.cfg.AutoScaling.Name)
	var out []string
	for _, c := range done {
		out = append(out, fmt.Sprintf("delete %s %s (%s)", c.Resource, c.Name, c.Current))
	}
	if err != nil {
		return out, err
	}
	lt, err := s.ec2.DeleteTemplate(ctx, s.w.cfg.AutoScaling.LaunchTemplate.Name)
	return append(out, lines(lt)...), err
}
