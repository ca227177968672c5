package awsasg

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/scaling"
)

// Ranges opskit allows, checked before any call.
const (
	MaxGracePeriod = 2 * time.Hour
	MaxWarmup      = time.Hour
	MaxCooldown    = time.Hour
)

// notProportional are metrics AWS documents as not working with target
// tracking: they do not fall as instances are added.
var notProportional = []string{"RequestCount", "Latency", "TargetResponseTime",
	"ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessages"}

var resourceLabel = regexp.MustCompile(`^app/[^/]+/[^/]+/targetgroup/([^/]+)/([^/]+)$`)

// Validate checks the spec without any call: capacities, durations,
// policies (step bounds without gaps or overlaps, metrics proportional to
// capacity, what AWS can run natively).
func (s GroupSpec) Validate() error {
	in := groupInput(s.Name)
	if s.Name == "" {
		return invalid("group", "Name", "empty")
	}
	if len(s.Name) > 255 {
		return invalid(in, "Name", "longer than 255 characters")
	}
	if s.LaunchTemplate == "" {
		return invalid(in, "LaunchTemplate", "empty")
	}
	if s.Min < 0 || s.Min > s.Desired || s.Desired > s.Max {
		return invalid(in, "Desired", "want 0 <= Min (%d) <= Desired (%d) <= Max (%d)", s.Min, s.Desired, s.Max)
	}
	if len(s.Subnets) == 0 {
		return invalid(in, "Subnets", "none: a group needs at least one subnet")
	}
	if dup := firstDuplicate(s.Subnets); dup != "" {
		return invalid(in, "Subnets", "%q twice", dup)
	}
	if dup := firstDuplicate(s.TargetGroupARNs); dup != "" {
		return invalid(in, "TargetGroupARNs", "%q twice", dup)
	}
	switch s.HealthCheckType {
	case "", "EC2", "ELB":
	default:
		return invalid(in, "HealthCheckType", "%q is neither EC2 nor ELB", s.HealthCheckType)
	}
	if s.HealthCheckType == "ELB" && len(s.TargetGroupARNs) == 0 {
		return invalid(in, "HealthCheckType", "ELB health checks need a target group")
	}
	for _, d := range []struct {
		field string
		v     time.Duration
		max   time.Duration
	}{{"HealthCheckGracePeriod", s.HealthCheckGracePeriod, MaxGracePeriod},
		{"DefaultInstanceWarmup", s.DefaultInstanceWarmup, MaxWarmup},
		{"DefaultCooldown", s.DefaultCooldown, MaxCooldown}} {
		if d.v < 0 || d.v > d.max || d.v%time.Second != 0 {
			return invalid(in, d.field, "%v is not whole seconds within [0, %v]", d.v, d.max)
		}
	}
	if s.Run != RunByAWS && s.Run != RunByController {
		return invalid(in, "Run", "unknown runner %d", s.Run)
	}
	names := map[string]bool{}
	for i, p := range s.Policies {
		pin := fmt.Sprintf("group %q policy #%d", s.Name, i+1)
		if p.Policy == nil {
			return invalid(pin, "Policy", "nil")
		}
		if _, err := scaling.NewEngine(scaling.Spec{Policies: []scaling.Policy{p.Policy}}); err != nil {
			return fromEngine(pin, err)
		}
		name := policyName(s.Name, p.Policy)
		if names[name] {
			return invalid(pin, "Name", "policy name %q twice", p.Policy.PolicyName())
		}
		names[name] = true
		if p.EstimatedInstanceWarmup < 0 || p.EstimatedInstanceWarmup > MaxWarmup || p.EstimatedInstanceWarmup%time.Second != 0 {
			return invalid(pin, "EstimatedInstanceWarmup", "%v is not whole seconds within [0, %v]", p.EstimatedInstanceWarmup, MaxWarmup)
		}
		if err := s.validateMetric(pin, p); err != nil {
			return err
		}
		if s.Run == RunByAWS {
			if err := validateNative(pin, p); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s GroupSpec) validateMetric(in string, p PolicySpec) error {
	m := p.Metric
	switch m.Predefined {
	case "":
		if m.Namespace == "" || m.Name == "" {
			return invalid(in, "Metric", "neither a predefined metric nor a namespace and name")
		}
		switch m.Statistic {
		case "", "Average", "Sum", "Minimum", "Maximum", "SampleCount":
		default:
			return invalid(in, "Metric.Statistic", "%q is not a CloudWatch statistic", m.Statistic)
		}
	case ASGAverageCPUUtilization, ASGAverageNetworkIn, ASGAverageNetworkOut:
		if m.ResourceLabel != "" {
			return invalid(in, "Metric.ResourceLabel", "only with %s", ALBRequestCountPerTarget)
		}
	case ALBRequestCountPerTarget:
		sub := resourceLabel.FindStringSubmatch(m.ResourceLabel)
		if sub == nil {
			return invalid(in, "Metric.ResourceLabel", "%q is not app/<lb>/<id>/targetgroup/<tg>/<id>", m.ResourceLabel)
		}
		attached := slices.ContainsFunc(s.TargetGroupARNs, func(arn string) bool {
			return len(arn) > 0 && strings.HasSuffix(arn, "targetgroup/"+sub[1]+"/"+sub[2])
		})
		if !attached {
			return invalid(in, "Metric.ResourceLabel", "target group %s/%s is not in TargetGroupARNs: the metric needs it attached", sub[1], sub[2])
		}
	default:
		return invalid(in, "Metric.Predefined", "%q is not a predefined metric", m.Predefined)
	}
	if m.Predefined != "" {
		if _, ok := p.Policy.(*scaling.Backlog); ok {
			return invalid(in, "Metric", "a backlog policy needs the queue depth as a customized metric, not %s", m.Predefined)
		}
	}
	if tt, ok := p.Policy.(*scaling.TargetTracking); ok && m.Predefined == "" && slices.Contains(notProportional, m.Name) {
		return invalid(in, "Metric.Name", "target tracking on %s does not work: the metric must fall as instances are added (AWS documents raw request count, latency and queue depth as unusable); use %s or a Backlog policy (target %v)",
			m.Name, ALBRequestCountPerTarget, tt.Target)
	}
	return nil
}

// validateNative refuses what the engine can do and AWS cannot.
func validateNative(in string, p PolicySpec) error {
	why := " AWS has none; run the policy with RunByController"
	switch pol := p.Policy.(type) {
	case *scaling.TargetTracking:
		if pol.Tolerance != (scaling.Tolerance{}) {
			return invalid(in, "Tolerance", "a dead band:%s", why)
		}
		if pol.Headroom != 0 {
			return invalid(in, "Headroom", "headroom:%s", why)
		}
	case *scaling.Backlog:
		if pol.Tolerance != (scaling.Tolerance{}) || pol.Headroom != 0 || pol.Activation != 0 {
			return invalid(in, "Activation", "tolerance, headroom or activation:%s", why)
		}
	case *scaling.StepScaling:
		above, below := false, false
		for _, st := range pol.Steps {
			if st.Lower >= 0 {
				above = true
			}
			if st.Upper <= 0 {
				below = true
			}
		}
		if above && below {
			return invalid(in, "Steps", "steps on both sides of the threshold need two alarms: split them into a scale-out and a scale-in policy")
		}
		if !above && !below {
			return invalid(in, "Steps", "a step spans the threshold")
		}
	default:
		return invalid(in, "Policy", "%T cannot run as a native AWS policy", p.Policy)
	}
	return nil
}

func fromEngine(in string, err error) error {
	var ie *scaling.InvalidError
	if errors.As(err, &ie) {
		return &InvalidError{Input: in, Field: ie.Field, Reason: ie.Reason}
	}
	return &InvalidError{Input: in, Reason: err.Error()}
}

func firstDuplicate(s []string) string {
	seen := map[string]bool{}
	for _, v := range s {
		if seen[v] {
			return v
		}
		seen[v] = true
	}
	return ""
}
