package awsasg

import (
	"time"

	"github.com/opskit-dev/opskit/scaling"
)

// Runner says who runs a group's policies.
type Runner int

const (
	// RunByAWS puts the policies on the group as native Auto Scaling
	// policies (target tracking, step scaling with its CloudWatch alarm).
	RunByAWS Runner = iota
	// RunByController leaves the group without native policies: an opskit
	// scaling.Controller runs them (GroupSpec.ControllerSpec) against the
	// group, with what AWS lacks (rate limits, dead bands, activation).
	RunByController
)

// String names the runner.
func (r Runner) String() string {
	if r == RunByController {
		return "opskit controller"
	}
	return "AWS"
}

// GroupSpec is an Auto Scaling group as code.
type GroupSpec struct {
	// Name is the group's name.
	Name string
	// LaunchTemplate names the launch template; Version empty is "$Latest".
	LaunchTemplate, LaunchTemplateVersion string
	// Min, Max and Desired are the capacities. Desired is only sent when
	// the group is created: afterwards the policies move it, and a
	// difference is not drift.
	Min, Max, Desired int
	// Subnets are the VPC subnets, one per availability zone used.
	Subnets []string
	// HealthCheckType is "EC2" (default) or "ELB".
	HealthCheckType string
	// HealthCheckGracePeriod is how long a new instance's health is not
	// checked; 0 to 2 hours.
	HealthCheckGracePeriod time.Duration
	// DefaultInstanceWarmup is how long a new instance is excluded from
	// the metrics; 0 to 1 hour, whole seconds.
	DefaultInstanceWarmup time.Duration
	// DefaultCooldown is simple scaling's cooldown; 0 (AWS's 300 s) to
	// 1 hour.
	DefaultCooldown time.Duration
	// TargetGroupARNs are the load balancer target groups to attach.
	TargetGroupARNs []string
	// Run says who runs Policies.
	Run Runner
	// Policies are the group's scaling policies.
	Policies []PolicySpec
}

// PolicySpec is one scaling policy: the engine's policy and the
// CloudWatch metric its Metric key stands for.
type PolicySpec struct {
	// Policy is a *scaling.TargetTracking, *scaling.StepScaling or
	// *scaling.Backlog.
	Policy scaling.Policy
	// Metric is where the metric comes from in CloudWatch.
	Metric MetricSource
	// EstimatedInstanceWarmup overrides the group's warm-up for this
	// policy when positive (AWS prefers DefaultInstanceWarmup).
	EstimatedInstanceWarmup time.Duration
}

// Predefined metrics of target tracking.
const (
	ASGAverageCPUUtilization = "ASGAverageCPUUtilization"
	ASGAverageNetworkIn      = "ASGAverageNetworkIn"
	ASGAverageNetworkOut     = "ASGAverageNetworkOut"
	ALBRequestCountPerTarget = "ALBRequestCountPerTarget"
)

// MetricSource is a CloudWatch metric: a predefined one, or a namespace,
// name, dimensions and statistic.
type MetricSource struct {
	// Predefined is one of the predefined metrics above.
	Predefined string
	// ResourceLabel is app/<lb>/<id>/targetgroup/<tg>/<id>, with
	// ALBRequestCountPerTarget only; the target group must be attached.
	ResourceLabel string
	// Namespace, Name, Dimensions and Statistic name a customized metric
	// (for Backlog: the queue depth, e.g. AWS/SQS
	// ApproximateNumberOfMessagesVisible with QueueName).
	Namespace, Name string
	Dimensions      map[string]string
	// Statistic is Average (default), Sum, Minimum, Maximum or SampleCount.
	Statistic string
}

// ControllerSpec returns the engine spec for a scaling.Controller that
// runs the policies (with Run set to RunByController).
func (s GroupSpec) ControllerSpec() scaling.Spec {
	sp := scaling.Spec{}
	for _, p := range s.Policies {
		sp.Policies = append(sp.Policies, p.Policy)
	}
	return sp
}
