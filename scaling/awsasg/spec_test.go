package awsasg_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
)

// TestSpecRejected proves that every bad spec is refused before any call
// reaches AWS (moto), and that one bad spec among good ones creates nothing.
func TestSpecRejected(t *testing.T) {
	w := newWorld(t)
	good := w.specs()
	cpu := awsasg.MetricSource{Predefined: awsasg.ASGAverageCPUUtilization}
	tt := func(m awsasg.MetricSource) []awsasg.PolicySpec {
		return []awsasg.PolicySpec{{Policy: &scaling.TargetTracking{Metric: "m", Target: 10}, Metric: m}}
	}
	cases := []struct {
		name, want string
		edit       func(s *awsasg.GroupSpec)
	}{
		{"no name", "Name: empty", func(s *awsasg.GroupSpec) { s.Name = "" }},
		{"no launch template", "LaunchTemplate", func(s *awsasg.GroupSpec) { s.LaunchTemplate = "" }},
		{"desired above max", "Min (2) <= Desired (11) <= Max (10)", func(s *awsasg.GroupSpec) { s.Desired = 11 }},
		{"min above desired", "Min (3) <= Desired (2)", func(s *awsasg.GroupSpec) { s.Min = 3 }},
		{"negative min", "0 <= Min", func(s *awsasg.GroupSpec) { s.Min, s.Desired = -1, 0 }},
		{"no subnets", "Subnets: none", func(s *awsasg.GroupSpec) { s.Subnets = nil }},
		{"subnet twice", "Subnets", func(s *awsasg.GroupSpec) { s.Subnets = []string{"a", "a"} }},
		{"bad health check", "HealthCheckType", func(s *awsasg.GroupSpec) { s.HealthCheckType = "HTTP" }},
		{"ELB check without target group", "need a target group", func(s *awsasg.GroupSpec) { s.HealthCheckType, s.TargetGroupARNs = "ELB", nil }},
		{"grace too long", "HealthCheckGracePeriod", func(s *awsasg.GroupSpec) { s.HealthCheckGracePeriod = 3 * time.Hour }},
		{"warm-up negative", "DefaultInstanceWarmup", func(s *awsasg.GroupSpec) { s.DefaultInstanceWarmup = -time.Second }},
		{"warm-up too long", "DefaultInstanceWarmup", func(s *awsasg.GroupSpec) { s.DefaultInstanceWarmup = 2 * time.Hour }},
		{"warm-up fraction", "whole seconds", func(s *awsasg.GroupSpec) { s.DefaultInstanceWarmup = 1500 * time.Millisecond }},
		{"cooldown too long", "DefaultCooldown", func(s *awsasg.GroupSpec) { s.DefaultCooldown = 2 * time.Hour }},
		{"policy warm-up", "EstimatedInstanceWarmup", func(s *awsasg.GroupSpec) {
			s.Policies = tt(cpu)
			s.Policies[0].EstimatedInstanceWarmup = -time.Second
		}},
		{"nil policy", "Policy: nil", func(s *awsasg.GroupSpec) { s.Policies = []awsasg.PolicySpec{{Metric: cpu}} }},
		{"zero target", "Target", func(s *awsasg.GroupSpec) {
			s.Policies = []awsasg.PolicySpec{{Policy: &scaling.TargetTracking{Metric: "m"}, Metric: cpu}}
		}},
		{"step gap", "gap between", func(s *awsasg.GroupSpec) {
			s.Policies = []awsasg.PolicySpec{{Policy: &scaling.StepScaling{Metric: "m", Threshold: 70,
				Steps: []scaling.Step{{Lower: 0, Upper: 10, Adjustment: 1}, {Lower: 20, Upper: math.Inf(1), Adjustment: 2}}}, Metric: cpu}}
		}},
		{"step overlap", "overlap", func(s *awsasg.GroupSpec) {
			s.Policies = []awsasg.PolicySpec{{Policy: &scaling.StepScaling{Metric: "m", Threshold: 70,
				Steps: []scaling.Step{{Lower: 0, Upper: 20, Adjustment: 1}, {Lower: 10, Upper: math.Inf(1), Adjustment: 2}}}, Metric: cpu}}
		}},
		{"steps both sides natively", "two alarms", func(s *awsasg.GroupSpec) {
			s.Policies = []awsasg.PolicySpec{{Policy: &scaling.StepScaling{Metric: "m", Threshold: 50,
				Steps: []scaling.Step{{Lower: math.Inf(-1), Upper: 0, Adjustment: -1}, {Lower: 0, Upper: math.Inf(1), Adjustment: 1}}}, Metric: cpu}}
		}},
		{"raw request count", "does not work", func(s *awsasg.GroupSpec) {
			s.Policies = tt(awsasg.MetricSource{Namespace: "AWS/ApplicationELB", Name: "RequestCount"})
		}},
		{"latency", "does not work", func(s *awsasg.GroupSpec) {
			s.Policies = tt(awsasg.MetricSource{Namespace: "AWS/ApplicationELB", Name: "TargetResponseTime"})
		}},
		{"raw queue depth", "does not work", func(s *awsasg.GroupSpec) {
			s.Policies = tt(awsasg.MetricSource{Namespace: "AWS/SQS", Name: "ApproximateNumberOfMessagesVisible"})
		}},
		{"unknown predefined", "not a predefined metric", func(s *awsasg.GroupSpec) {
			s.Policies = tt(awsasg.MetricSource{Predefined: "ASGAverageMemory"})
		}},
		{"ALB metric without label", "ResourceLabel", func(s *awsasg.GroupSpec) {
			s.Policies = tt(awsasg.MetricSource{Predefined: awsasg.ALBRequestCountPerTarget})
		}},
		{"ALB metric, target group not attached", "not in TargetGroupARNs", func(s *awsasg.GroupSpec) {
			s.Policies = tt(awsasg.MetricSource{Predefined: awsasg.ALBRequestCountPerTarget, ResourceLabel: "app/lb/1/targetgroup/other/2"})
		}},
		{"bad statistic", "Statistic", func(s *awsasg.GroupSpec) {
			s.Policies = tt(awsasg.MetricSource{Namespace: "App", Name: "Load", Statistic: "p99"})
		}},
		{"backlog on a predefined metric", "queue depth", func(s *awsasg.GroupSpec) {
			s.Policies = []awsasg.PolicySpec{{Policy: &scaling.Backlog{Metric: "q", PerInstance: 100}, Metric: cpu}}
		}},
		{"dead band run by AWS", "RunByController", func(s *awsasg.GroupSpec) {
			s.Policies = []awsasg.PolicySpec{{Policy: &scaling.TargetTracking{Metric: "m", Target: 50, Tolerance: scaling.Tolerance{Out: 0.05}}, Metric: cpu}}
		}},
		{"activation run by AWS", "RunByController", func(s *awsasg.GroupSpec) {
			s.Policies = []awsasg.PolicySpec{{Policy: &scaling.Backlog{Metric: "q", PerInstance: 100, Activation: 5},
				Metric: awsasg.MetricSource{Namespace: "AWS/SQS", Name: "ApproximateNumberOfMessagesVisible"}}}
		}},
		{"policy twice", "twice", func(s *awsasg.GroupSpec) { s.Policies = append(tt(cpu), tt(cpu)...) }},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := w.specs()[2]
			tc.edit(&bad)
			// The bad spec comes last: the good ones before it must not be
			// created either.
			_, err := w.prov.Apply(ctx, append(append([]awsasg.GroupSpec(nil), good[:2]...), bad)...)
			if !errors.Is(err, awsasg.ErrInvalid) || !errors.Is(err, scaling.ErrInvalid) {
				t.Fatalf("Apply = %v; want an error matching ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "scaling/awsasg: invalid group") {
				t.Errorf("error %q does not name the rule (%q)", err, tc.want)
			}
			if all, _, ops := w.count.Take(); all != 0 {
				t.Errorf("bad spec made %d AWS calls: %v", all, ops)
			}
		})
	}
	t.Run("two specs for one group", func(t *testing.T) {
		_, err := w.prov.Apply(ctx, good[0], good[0])
		if !errors.Is(err, awsasg.ErrInvalid) {
			t.Errorf("Apply = %v", err)
		}
		if all, _, ops := w.count.Take(); all != 0 {
			t.Errorf("made %d calls: %v", all, ops)
		}
	})
}
