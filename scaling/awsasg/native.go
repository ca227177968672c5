package awsasg

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/opskit-dev/opskit/scaling"
)

// PolicyPrefix starts the name of every native policy and alarm a
// Provisioner owns; it never deletes others.
const PolicyPrefix = "opskit-"

// policyName is the native policy's name: unique per group, as moto
// deletes policies by name alone.
func policyName(group string, p scaling.Policy) string {
	return PolicyPrefix + group + "-" + strings.ReplaceAll(p.PolicyName(), " ", "-")
}

func alarmName(policy string) string { return policy + "-alarm" }

func statistic(m MetricSource) string {
	if m.Statistic == "" {
		return "Average"
	}
	return m.Statistic
}

func dimensions(m map[string]string) []types.MetricDimension {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]types.MetricDimension, 0, len(keys))
	for _, k := range keys {
		out = append(out, types.MetricDimension{Name: aws.String(k), Value: aws.String(m[k])})
	}
	return out
}

// putPolicy is the PutScalingPolicy input for a policy run by AWS.
func putPolicy(group string, p PolicySpec) *autoscaling.PutScalingPolicyInput {
	in := &autoscaling.PutScalingPolicyInput{
		AutoScalingGroupName: aws.String(group),
		PolicyName:           aws.String(policyName(group, p.Policy)),
	}
	if p.EstimatedInstanceWarmup > 0 {
		in.EstimatedInstanceWarmup = aws.Int32(int32(p.EstimatedInstanceWarmup.Seconds()))
	}
	switch pol := p.Policy.(type) {
	case *scaling.TargetTracking:
		in.PolicyType = aws.String("TargetTrackingScaling")
		cfg := &types.TargetTrackingConfiguration{TargetValue: aws.Float64(pol.Target), DisableScaleIn: aws.Bool(pol.DisableScaleIn)}
		if p.Metric.Predefined != "" {
			cfg.PredefinedMetricSpecification = &types.PredefinedMetricSpecification{
				PredefinedMetricType: types.MetricType(p.Metric.Predefined),
			}
			if p.Metric.ResourceLabel != "" {
				cfg.PredefinedMetricSpecification.ResourceLabel = aws.String(p.Metric.ResourceLabel)
			}
		} else {
			cfg.CustomizedMetricSpecification = &types.CustomizedMetricSpecification{
				Namespace: aws.String(p.Metric.Namespace), MetricName: aws.String(p.Metric.Name),
				Dimensions: dimensions(p.Metric.Dimensions), Statistic: types.MetricStatistic(statistic(p.Metric)),
			}
		}
		in.TargetTrackingConfiguration = cfg
	case *scaling.Backlog:
		// Backlog per instance by metric math: queue depth over the
		// in-service count (the Provisioner enables GroupInServiceInstances).
		in.PolicyType = aws.String("TargetTrackingScaling")
		target := pol.PerInstance
		if target <= 0 {
			target = pol.AcceptableLatency.Seconds() / pol.ProcessingTime.Seconds()
		}
		in.TargetTrackingConfiguration = &types.TargetTrackingConfiguration{
			TargetValue:    aws.Float64(target),
			DisableScaleIn: aws.Bool(false),
			CustomizedMetricSpecification: &types.CustomizedMetricSpecification{Metrics: []types.TargetTrackingMetricDataQuery{
				{Id: aws.String("backlog"), ReturnData: aws.Bool(false), MetricStat: &types.TargetTrackingMetricStat{
					Metric: &types.Metric{Namespace: aws.String(p.Metric.Namespace), MetricName: aws.String(p.Metric.Name), Dimensions: dimensions(p.Metric.Dimensions)},
					Stat:   aws.String("Sum")}},
				{Id: aws.String("inservice"), ReturnData: aws.Bool(false), MetricStat: &types.TargetTrackingMetricStat{
					Metric: &types.Metric{Namespace: aws.String("AWS/AutoScaling"), MetricName: aws.String("GroupInServiceInstances"),
						Dimensions: dimensions(map[string]string{"AutoScalingGroupName": group})},
					Stat: aws.String("Average")}},
				{Id: aws.String("perinstance"), ReturnData: aws.Bool(true), Label: aws.String("backlog per instance"),
					Expression: aws.String("backlog / inservice")},
			}},
		}
	case *scaling.StepScaling:
		in.PolicyType = aws.String("StepScaling")
		in.AdjustmentType = aws.String(pol.Adjustment.String())
		in.MetricAggregationType = aws.String("Average")
		if pol.MinAdjustmentMagnitude > 0 {
			in.MinAdjustmentMagnitude = aws.Int32(int32(pol.MinAdjustmentMagnitude))
		}
		steps := append([]scaling.Step(nil), pol.Steps...)
		sort.Slice(steps, func(i, j int) bool { return steps[i].Lower < steps[j].Lower })
		for _, st := range steps {
			sa := types.StepAdjustment{ScalingAdjustment: aws.Int32(int32(st.Adjustment))}
			if !math.IsInf(st.Lower, -1) {
				sa.MetricIntervalLowerBound = aws.Float64(st.Lower)
			}
			if !math.IsInf(st.Upper, 1) {
				sa.MetricIntervalUpperBound = aws.Float64(st.Upper)
			}
			in.StepAdjustments = append(in.StepAdjustments, sa)
		}
	}
	return in
}

// cloudWatchMetric is the alarm's metric for a step policy.
func cloudWatchMetric(group string, m MetricSource) (ns, name, stat string, dims map[string]string) {
	asg := map[string]string{"AutoScalingGroupName": group}
	switch m.Predefined {
	case ASGAverageCPUUtilization:
		return "AWS/EC2", "CPUUtilization", "Average", asg
	case ASGAverageNetworkIn:
		return "AWS/EC2", "NetworkIn", "Average", asg
	case ASGAverageNetworkOut:
		return "AWS/EC2", "NetworkOut", "Average", asg
	case ALBRequestCountPerTarget:
		sub := resourceLabel.FindStringSubmatch(m.ResourceLabel)
		return "AWS/ApplicationELB", "RequestCountPerTarget", "Sum",
			map[string]string{"TargetGroup": "targetgroup/" + sub[1] + "/" + sub[2]}
	}
	return m.Namespace, m.Name, statistic(m), m.Dimensions
}

// putAlarm is the alarm that triggers a step policy whose ARN is arn.
func putAlarm(group string, p PolicySpec, arn string) *cloudwatch.PutMetricAlarmInput {
	pol := p.Policy.(*scaling.StepScaling)
	ns, name, stat, dims := cloudWatchMetric(group, p.Metric)
	op := cwtypes.ComparisonOperatorGreaterThanOrEqualToThreshold
	for _, st := range pol.Steps {
		if st.Upper <= 0 {
			op = cwtypes.ComparisonOperatorLessThanOrEqualToThreshold
		}
	}
	in := &cloudwatch.PutMetricAlarmInput{
		AlarmName:          aws.String(alarmName(policyName(group, pol))),
		Namespace:          aws.String(ns),
		MetricName:         aws.String(name),
		Statistic:          cwtypes.Statistic(stat),
		Period:             aws.Int32(60),
		EvaluationPeriods:  aws.Int32(1),
		Threshold:          aws.Float64(pol.Threshold),
		ComparisonOperator: op,
		AlarmActions:       []string{arn},
	}
	keys := make([]string, 0, len(dims))
	for k := range dims {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		in.Dimensions = append(in.Dimensions, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(dims[k])})
	}
	return in
}

// policyKey is a canonical form of a policy for drift: what was put and
// what DescribePolicies returns compare equal when nothing changed.
func policyKey(p types.ScalingPolicy) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s adj=%s agg=%s mag=%d warm=%d", aws.ToString(p.PolicyType), aws.ToString(p.AdjustmentType),
		aws.ToString(p.MetricAggregationType), aws.ToInt32(p.MinAdjustmentMagnitude), aws.ToInt32(p.EstimatedInstanceWarmup))
	for _, s := range p.StepAdjustments {
		fmt.Fprintf(&b, " step[%s,%s)%+d", bound(s.MetricIntervalLowerBound), bound(s.MetricIntervalUpperBound), aws.ToInt32(s.ScalingAdjustment))
	}
	if c := p.TargetTrackingConfiguration; c != nil {
		fmt.Fprintf(&b, " target=%g noin=%t", aws.ToFloat64(c.TargetValue), aws.ToBool(c.DisableScaleIn))
		if m := c.PredefinedMetricSpecification; m != nil {
			fmt.Fprintf(&b, " pre=%s label=%s", m.PredefinedMetricType, aws.ToString(m.ResourceLabel))
		}
		if m := c.CustomizedMetricSpecification; m != nil {
			fmt.Fprintf(&b, " cust=%s/%s/%s%s", aws.ToString(m.Namespace), aws.ToString(m.MetricName), m.Statistic, dimKey(m.Dimensions))
			for _, q := range m.Metrics {
				fmt.Fprintf(&b, " q=%s:%s:%t", aws.ToString(q.Id), aws.ToString(q.Expression), q.ReturnData == nil || *q.ReturnData)
				if s := q.MetricStat; s != nil && s.Metric != nil {
					fmt.Fprintf(&b, ":%s/%s/%s%s", aws.ToString(s.Metric.Namespace), aws.ToString(s.Metric.MetricName), aws.ToString(s.Stat), dimKey(s.Metric.Dimensions))
				}
			}
		}
	}
	return b.String()
}

// inputKey is policyKey of what in would create.
func inputKey(in *autoscaling.PutScalingPolicyInput) string {
	return policyKey(types.ScalingPolicy{
		PolicyType: in.PolicyType, AdjustmentType: in.AdjustmentType, MetricAggregationType: in.MetricAggregationType,
		MinAdjustmentMagnitude: in.MinAdjustmentMagnitude, EstimatedInstanceWarmup: in.EstimatedInstanceWarmup,
		StepAdjustments: in.StepAdjustments, TargetTrackingConfiguration: in.TargetTrackingConfiguration,
	})
}

func bound(v *float64) string {
	if v == nil {
		return "inf"
	}
	return fmt.Sprint(*v)
}

func dimKey(ds []types.MetricDimension) string {
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		parts = append(parts, aws.ToString(d.Name)+"="+aws.ToString(d.Value))
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

// alarmKey is a canonical form of an alarm for drift.
func alarmKey(ns, name string, stat cwtypes.Statistic, period, evals *int32, threshold *float64, op cwtypes.ComparisonOperator, dims []cwtypes.Dimension, actions []string) string {
	parts := make([]string, 0, len(dims))
	for _, d := range dims {
		parts = append(parts, aws.ToString(d.Name)+"="+aws.ToString(d.Value))
	}
	sort.Strings(parts)
	return fmt.Sprintf("%s/%s %s p=%d e=%d %s %g {%s} %v", ns, name, stat, aws.ToInt32(period), aws.ToInt32(evals), op,
		aws.ToFloat64(threshold), strings.Join(parts, ","), actions)
}

// groupAlarm reports whether a is an alarm of one of opskit's step
// policies on group. The name alone cannot tell: opskit-web-api-cpu-alarm
// is group web's policy "api-cpu" or group web-api's policy "cpu". The
// alarm's action, the policy's ARN (…:autoScalingGroupName/GROUP:policyName/…),
// names the group exactly.
func groupAlarm(a cwtypes.MetricAlarm, group string) bool {
	if !strings.HasPrefix(aws.ToString(a.AlarmName), PolicyPrefix+group+"-") {
		return false
	}
	for _, act := range a.AlarmActions {
		if strings.Contains(act, ":autoScalingGroupName/"+group+":policyName/") {
			return true
		}
	}
	return false
}
