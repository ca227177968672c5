package awsasgfake

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
)

// Provisioning is an AutoScaling that also keeps what a group as code
// needs (scaling/awsasg.Provisioner's ProvisionAPI): launch template,
// subnets, health check, cooldown and warm-up, attached target groups,
// enabled metrics and scaling policies, with UpdateAutoScalingGroup and
// the attach, detach and policy calls. A policy is stored as given; it
// never runs (no CloudWatch here: see Alarms).
type Provisioning struct {
	*AutoScaling
	mu       sync.Mutex
	settings map[string]*settings
	policies map[string]map[string]types.ScalingPolicy // group -> name -> policy
}

type settings struct {
	lt                    *types.LaunchTemplateSpecification
	vpcZones, healthCheck string
	grace, cooldown       *int32
	targetGroups, metrics []string
}

// NewProvisioning returns an empty service.
func NewProvisioning(opts Options) *Provisioning {
	return &Provisioning{AutoScaling: New(opts), settings: map[string]*settings{}, policies: map[string]map[string]types.ScalingPolicy{}}
}

// CreateAutoScalingGroup creates a group with its settings.
func (p *Provisioning) CreateAutoScalingGroup(ctx context.Context, in *autoscaling.CreateAutoScalingGroupInput, opts ...func(*autoscaling.Options)) (*autoscaling.CreateAutoScalingGroupOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if in.LaunchTemplate == nil && in.LaunchConfigurationName == nil && in.MixedInstancesPolicy == nil && in.InstanceId == nil {
		return nil, validation("Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.")
	}
	out, err := p.AutoScaling.CreateAutoScalingGroup(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	hc := aws.ToString(in.HealthCheckType)
	if hc == "" {
		hc = "EC2"
	}
	cd := in.DefaultCooldown
	if cd == nil {
		cd = aws.Int32(300)
	}
	grace := in.HealthCheckGracePeriod
	if grace == nil {
		grace = aws.Int32(0)
	}
	p.settings[aws.ToString(in.AutoScalingGroupName)] = &settings{lt: in.LaunchTemplate, vpcZones: aws.ToString(in.VPCZoneIdentifier), healthCheck: hc,
		grace: grace, cooldown: cd, targetGroups: slices.Clone(in.TargetGroupARNs)}
	return out, nil
}

// DeleteAutoScalingGroup deletes a group with its policies.
func (p *Provisioning) DeleteAutoScalingGroup(ctx context.Context, in *autoscaling.DeleteAutoScalingGroupInput, opts ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out, err := p.AutoScaling.DeleteAutoScalingGroup(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	delete(p.settings, aws.ToString(in.AutoScalingGroupName))
	delete(p.policies, aws.ToString(in.AutoScalingGroupName))
	return out, nil
}

// DescribeAutoScalingGroups describes groups with their settings.
func (p *Provisioning) DescribeAutoScalingGroups(ctx context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, opts ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out, err := p.AutoScaling.DescribeAutoScalingGroups(ctx, in, opts...)
	if err != nil {
		return nil, err
	}
	for i := range out.AutoScalingGroups {
		g := &out.AutoScalingGroups[i]
		s := p.settings[aws.ToString(g.AutoScalingGroupName)]
		if s == nil {
			continue
		}
		g.LaunchTemplate, g.VPCZoneIdentifier, g.HealthCheckType = s.lt, aws.String(s.vpcZones), aws.String(s.healthCheck)
		g.HealthCheckGracePeriod, g.DefaultCooldown = s.grace, s.cooldown
		g.TargetGroupARNs = slices.Clone(s.targetGroups)
		for _, m := range s.metrics {
			g.EnabledMetrics = append(g.EnabledMetrics, types.EnabledMetric{Metric: aws.String(m), Granularity: aws.String("1Minute")})
		}
	}
	return out, nil
}

func (p *Provisioning) find(name *string) (*settings, error) {
	s := p.settings[aws.ToString(name)]
	if s == nil {
		return nil, validation("AutoScalingGroup name not found - AutoScalingGroup '%s' not found", aws.ToString(name))
	}
	return s, nil
}

// UpdateAutoScalingGroup changes the given settings. As on AWS, a new
// MinSize above the desired capacity raises it, a new MaxSize below
// lowers it.
func (p *Provisioning) UpdateAutoScalingGroup(_ context.Context, in *autoscaling.UpdateAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.UpdateAutoScalingGroupOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, err := p.find(in.AutoScalingGroupName)
	if err != nil {
		return nil, err
	}
	a := p.AutoScaling
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls["UpdateAutoScalingGroup"]++
	g := a.groups[aws.ToString(in.AutoScalingGroupName)]
	lo, hi, want := g.min, g.max, g.desire
	if in.MinSize != nil {
		lo = int(*in.MinSize)
		want = max(want, lo)
	}
	if in.MaxSize != nil {
		hi = int(*in.MaxSize)
		want = min(want, hi)
	}
	if in.DesiredCapacity != nil {
		want = int(*in.DesiredCapacity)
	}
	if lo < 0 || hi < lo || want < lo || want > hi {
		return nil, validation("Desired capacity:%d must be between the specified min size:%d and max size:%d", want, lo, hi)
	}
	g.min, g.max, g.desire = lo, hi, want
	if in.DefaultInstanceWarmup != nil {
		g.warmup = in.DefaultInstanceWarmup
	}
	if in.LaunchTemplate != nil {
		s.lt = in.LaunchTemplate
	}
	if in.VPCZoneIdentifier != nil {
		s.vpcZones = *in.VPCZoneIdentifier
	}
	if in.HealthCheckType != nil {
		s.healthCheck = *in.HealthCheckType
	}
	if in.HealthCheckGracePeriod != nil {
		s.grace = in.HealthCheckGracePeriod
	}
	if in.DefaultCooldown != nil {
		s.cooldown = in.DefaultCooldown
	}
	a.reconcile(g)
	return &autoscaling.UpdateAutoScalingGroupOutput{}, nil
}

// AttachLoadBalancerTargetGroups attaches target groups (at most 10 a
// call); attaching one already attached does nothing.
func (p *Provisioning) AttachLoadBalancerTargetGroups(_ context.Context, in *autoscaling.AttachLoadBalancerTargetGroupsInput, _ ...func(*autoscaling.Options)) (*autoscaling.AttachLoadBalancerTargetGroupsOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, err := p.find(in.AutoScalingGroupName)
	if err != nil {
		return nil, err
	}
	if len(in.TargetGroupARNs) > 10 {
		return nil, validation("at most 10 target groups a call")
	}
	for _, arn := range in.TargetGroupARNs {
		if !slices.Contains(s.targetGroups, arn) {
			s.targetGroups = append(s.targetGroups, arn)
		}
	}
	return &autoscaling.AttachLoadBalancerTargetGroupsOutput{}, nil
}

// DetachLoadBalancerTargetGroups detaches target groups.
func (p *Provisioning) DetachLoadBalancerTargetGroups(_ context.Context, in *autoscaling.DetachLoadBalancerTargetGroupsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DetachLoadBalancerTargetGroupsOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, err := p.find(in.AutoScalingGroupName)
	if err != nil {
		return nil, err
	}
	s.targetGroups = slices.DeleteFunc(s.targetGroups, func(arn string) bool { return slices.Contains(in.TargetGroupARNs, arn) })
	return &autoscaling.DetachLoadBalancerTargetGroupsOutput{}, nil
}

// EnableMetricsCollection enables group metrics (all when none is named).
func (p *Provisioning) EnableMetricsCollection(_ context.Context, in *autoscaling.EnableMetricsCollectionInput, _ ...func(*autoscaling.Options)) (*autoscaling.EnableMetricsCollectionOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, err := p.find(in.AutoScalingGroupName)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.Granularity) != "1Minute" {
		return nil, validation("Granularity must be 1Minute")
	}
	ms := in.Metrics
	if len(ms) == 0 {
		ms = []string{"GroupMinSize", "GroupMaxSize", "GroupDesiredCapacity", "GroupInServiceInstances", "GroupPendingInstances", "GroupTerminatingInstances", "GroupTotalInstances"}
	}
	for _, m := range ms {
		if !slices.Contains(s.metrics, m) {
			s.metrics = append(s.metrics, m)
		}
	}
	return &autoscaling.EnableMetricsCollectionOutput{}, nil
}

// PutScalingPolicy creates or replaces a policy and returns its ARN.
func (p *Provisioning) PutScalingPolicy(_ context.Context, in *autoscaling.PutScalingPolicyInput, _ ...func(*autoscaling.Options)) (*autoscaling.PutScalingPolicyOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	group, name := aws.ToString(in.AutoScalingGroupName), aws.ToString(in.PolicyName)
	if _, err := p.find(in.AutoScalingGroupName); err != nil {
		return nil, err
	}
	typ := aws.ToString(in.PolicyType)
	if typ == "" {
		typ = "SimpleScaling"
	}
	switch {
	case name == "":
		return nil, validation("PolicyName is required")
	case typ == "TargetTrackingScaling" && in.TargetTrackingConfiguration == nil:
		return nil, validation("TargetTrackingConfiguration is required for policy type TargetTrackingScaling")
	case typ == "StepScaling" && len(in.StepAdjustments) == 0:
		return nil, validation("StepAdjustments is required for policy type StepScaling")
	}
	arn := fmt.Sprintf("arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:%s:autoScalingGroupName/%s:policyName/%s", strings.ReplaceAll(name, " ", "-"), group, name)
	if p.policies[group] == nil {
		p.policies[group] = map[string]types.ScalingPolicy{}
	}
	p.policies[group][name] = types.ScalingPolicy{AutoScalingGroupName: aws.String(group), PolicyName: aws.String(name), PolicyARN: aws.String(arn),
		PolicyType: aws.String(typ), AdjustmentType: in.AdjustmentType, MetricAggregationType: in.MetricAggregationType,
		MinAdjustmentMagnitude: in.MinAdjustmentMagnitude, EstimatedInstanceWarmup: in.EstimatedInstanceWarmup,
		StepAdjustments: slices.Clone(in.StepAdjustments), TargetTrackingConfiguration: in.TargetTrackingConfiguration, Enabled: aws.Bool(true)}
	return &autoscaling.PutScalingPolicyOutput{PolicyARN: aws.String(arn)}, nil
}

// DeletePolicy deletes a policy.
func (p *Provisioning) DeletePolicy(_ context.Context, in *autoscaling.DeletePolicyInput, _ ...func(*autoscaling.Options)) (*autoscaling.DeletePolicyOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	group, name := aws.ToString(in.AutoScalingGroupName), aws.ToString(in.PolicyName)
	if _, ok := p.policies[group][name]; !ok {
		return nil, validation("Policy %s not found for group %s", name, group)
	}
	delete(p.policies[group], name)
	return &autoscaling.DeletePolicyOutput{}, nil
}

// DescribePolicies lists a group's policies (or the named ones), by name.
func (p *Provisioning) DescribePolicies(_ context.Context, in *autoscaling.DescribePoliciesInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribePoliciesOutput, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := &autoscaling.DescribePoliciesOutput{}
	var groups []string
	if in.AutoScalingGroupName != nil {
		groups = []string{*in.AutoScalingGroupName}
	} else {
		for g := range p.policies {
			groups = append(groups, g)
		}
	}
	sort.Strings(groups)
	for _, g := range groups {
		var names []string
		for n := range p.policies[g] {
			if len(in.PolicyNames) == 0 || slices.Contains(in.PolicyNames, n) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			out.ScalingPolicies = append(out.ScalingPolicies, p.policies[g][n])
		}
	}
	return out, nil
}
