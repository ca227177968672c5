package awsasg

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// Apply plans every spec (validating all of them first) and then carries
// the plans out, group by group: create or update the group, attach and
// detach target groups (AttachLoadBalancerTargetGroups: moto lacks
// AttachTrafficSources), delete the alarms and policies no longer in the
// spec, put the policies that are new or differ and their alarms. It
// returns the plans it carried out.
func (p *Provisioner) Apply(ctx context.Context, specs ...GroupSpec) ([]*Plan, error) {
	plans, err := p.Plan(ctx, specs...)
	if err != nil {
		return nil, err
	}
	for i, pl := range plans {
		if err := p.apply(ctx, specs[i], pl); err != nil {
			return plans, err
		}
	}
	return plans, nil
}

func (p *Provisioner) apply(ctx context.Context, s GroupSpec, pl *Plan) error {
	wrap := func(op string, err error) error {
		return fmt.Errorf("scaling/awsasg: group %q: %s: %w", s.Name, op, err)
	}
	lt := &types.LaunchTemplateSpecification{LaunchTemplateName: aws.String(s.LaunchTemplate), Version: aws.String(s.LaunchTemplateVersion)}
	if s.LaunchTemplateVersion == "" {
		lt.Version = aws.String("$Latest")
	}
	vpc := aws.String(strings.Join(s.Subnets, ","))
	if pl.Create {
		in := &autoscaling.CreateAutoScalingGroupInput{
			AutoScalingGroupName: aws.String(s.Name), LaunchTemplate: lt,
			MinSize: aws.Int32(int32(s.Min)), MaxSize: aws.Int32(int32(s.Max)), DesiredCapacity: aws.Int32(int32(s.Desired)),
			VPCZoneIdentifier: vpc, HealthCheckType: aws.String(healthCheckType(s)),
			HealthCheckGracePeriod: aws.Int32(secs(s.HealthCheckGracePeriod)),
			DefaultCooldown:        aws.Int32(cooldown(s)),
			TargetGroupARNs:        s.TargetGroupARNs,
		}
		if s.DefaultInstanceWarmup > 0 {
			in.DefaultInstanceWarmup = aws.Int32(secs(s.DefaultInstanceWarmup))
		}
		if _, err := p.asg.CreateAutoScalingGroup(ctx, in); err != nil {
			return wrap("CreateAutoScalingGroup", err)
		}
	} else if pl.update {
		in := &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String(s.Name)}
		for _, c := range pl.Changes {
			if c.Resource != "group" {
				continue
			}
			switch c.Field {
			case "LaunchTemplate":
				in.LaunchTemplate = lt
			case "MinSize":
				in.MinSize = aws.Int32(int32(s.Min))
			case "MaxSize":
				in.MaxSize = aws.Int32(int32(s.Max))
			case "VPCZoneIdentifier":
				in.VPCZoneIdentifier = vpc
			case "HealthCheckType":
				in.HealthCheckType = aws.String(healthCheckType(s))
			case "HealthCheckGracePeriod":
				in.HealthCheckGracePeriod = aws.Int32(secs(s.HealthCheckGracePeriod))
			case "DefaultCooldown":
				in.DefaultCooldown = aws.Int32(cooldown(s))
			case "DefaultInstanceWarmup":
				in.DefaultInstanceWarmup = aws.Int32(secs(s.DefaultInstanceWarmup))
			}
		}
		if _, err := p.asg.UpdateAutoScalingGroup(ctx, in); err != nil {
			return wrap("UpdateAutoScalingGroup", err)
		}
	}
	if pl.enableMetrics {
		if _, err := p.asg.EnableMetricsCollection(ctx, &autoscaling.EnableMetricsCollectionInput{AutoScalingGroupName: aws.String(s.Name),
			Granularity: aws.String("1Minute"), Metrics: []string{InServiceMetric}}); err != nil {
			return wrap("EnableMetricsCollection", err)
		}
	}
	if len(pl.attach) > 0 {
		if _, err := p.asg.AttachLoadBalancerTargetGroups(ctx, &autoscaling.AttachLoadBalancerTargetGroupsInput{
			AutoScalingGroupName: aws.String(s.Name), TargetGroupARNs: pl.attach}); err != nil {
			return wrap("AttachLoadBalancerTargetGroups", err)
		}
	}
	if len(pl.detach) > 0 {
		if _, err := p.asg.DetachLoadBalancerTargetGroups(ctx, &autoscaling.DetachLoadBalancerTargetGroupsInput{
			AutoScalingGroupName: aws.String(s.Name), TargetGroupARNs: pl.detach}); err != nil {
			return wrap("DetachLoadBalancerTargetGroups", err)
		}
	}
	if len(pl.delAlarm) > 0 {
		if _, err := p.cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: pl.delAlarm}); err != nil {
			return wrap("DeleteAlarms", err)
		}
	}
	for _, name := range pl.delPolicies {
		if _, err := p.asg.DeletePolicy(ctx, &autoscaling.DeletePolicyInput{AutoScalingGroupName: aws.String(s.Name), PolicyName: aws.String(name)}); err != nil {
			return wrap("DeletePolicy "+name, err)
		}
	}
	for _, ps := range pl.putPolicies {
		name := policyName(s.Name, ps.Policy)
		arn, alarmOnly := pl.alarmOnly[name]
		if !alarmOnly {
			out, err := p.asg.PutScalingPolicy(ctx, putPolicy(s.Name, ps))
			if err != nil {
				return wrap("PutScalingPolicy "+name, err)
			}
			arn = aws.ToString(out.PolicyARN)
		}
		if arn == "" && isStep(ps) {
			// moto answers PutScalingPolicy without the ARN (PolicyArn,
			// not PolicyARN): read it back for the alarm.
			got, err := p.asg.DescribePolicies(ctx, &autoscaling.DescribePoliciesInput{
				AutoScalingGroupName: aws.String(s.Name), PolicyNames: []string{name}})
			if err != nil {
				return wrap("DescribePolicies "+name, err)
			}
			if len(got.ScalingPolicies) != 1 || aws.ToString(got.ScalingPolicies[0].PolicyARN) == "" {
				return wrap("PutScalingPolicy "+name, fmt.Errorf("no policy ARN returned or described"))
			}
			arn = aws.ToString(got.ScalingPolicies[0].PolicyARN)
		}
		if isStep(ps) {
			if _, err := p.cw.PutMetricAlarm(ctx, putAlarm(s.Name, ps, arn)); err != nil {
				return wrap("PutMetricAlarm "+alarmName(name), err)
			}
		}
	}
	return nil
}
