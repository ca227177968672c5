package awsasg

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/opskit-dev/opskit/scaling"
)

// Provisioner plans and applies GroupSpecs: every spec is validated and
// every group planned before the first change, so a bad spec changes
// nothing, and applying an unchanged spec makes no call that changes
// anything.
type Provisioner struct {
	asg ProvisionAPI
	cw  AlarmAPI
}

// NewProvisioner returns a provisioner over Auto Scaling and CloudWatch
// (*autoscaling.Client and *cloudwatch.Client). cw may be nil when no
// spec has a step policy run by AWS.
func NewProvisioner(asg ProvisionAPI, cw AlarmAPI) *Provisioner {
	return &Provisioner{asg: asg, cw: cw}
}

// live is what is read of one group.
type live struct {
	group    *types.AutoScalingGroup
	policies map[string]types.ScalingPolicy
	alarms   map[string]cwtypes.MetricAlarm
}

// Plan validates every spec and compares it with the live groups without
// changing anything.
func (p *Provisioner) Plan(ctx context.Context, specs ...GroupSpec) ([]*Plan, error) {
	names := map[string]bool{}
	for _, s := range specs {
		if err := s.Validate(); err != nil {
			return nil, err
		}
		if names[s.Name] {
			return nil, invalid(groupInput(s.Name), "Name", "two specs for one group")
		}
		names[s.Name] = true
		if p.cw == nil && s.Run == RunByAWS && slices.ContainsFunc(s.Policies, isStep) {
			return nil, invalid(groupInput(s.Name), "Policies", "a step policy run by AWS needs its CloudWatch alarm: NewProvisioner without CloudWatch")
		}
	}
	lv, err := p.read(ctx, specs)
	if err != nil {
		return nil, err
	}
	plans := make([]*Plan, len(specs))
	for i, s := range specs {
		plans[i] = plan(s, lv[s.Name])
	}
	return plans, nil
}

func isStep(p PolicySpec) bool { _, ok := p.Policy.(*scaling.StepScaling); return ok }

// read describes the groups (batched), their policies (one call a group
// that exists) and opskit's alarms (one call, by prefix).
func (p *Provisioner) read(ctx context.Context, specs []GroupSpec) (map[string]*live, error) {
	names := make([]string, len(specs))
	for i, s := range specs {
		names[i] = s.Name
	}
	groups, err := Describe(ctx, p.asg, names)
	if err != nil {
		return nil, err
	}
	out := map[string]*live{}
	for _, s := range specs {
		l := &live{policies: map[string]types.ScalingPolicy{}, alarms: map[string]cwtypes.MetricAlarm{}}
		out[s.Name] = l
		g, ok := groups[s.Name]
		if !ok {
			continue
		}
		l.group = &g
		pg := autoscaling.NewDescribePoliciesPaginator(p.asg, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String(s.Name)})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("scaling/awsasg: group %q: DescribePolicies: %w", s.Name, err)
			}
			for _, pol := range page.ScalingPolicies {
				if aws.ToString(pol.AutoScalingGroupName) == s.Name && strings.HasPrefix(aws.ToString(pol.PolicyName), PolicyPrefix+s.Name+"-") {
					l.policies[aws.ToString(pol.PolicyName)] = pol
				}
			}
		}
	}
	if p.cw == nil {
		return out, nil
	}
	pg := cloudwatch.NewDescribeAlarmsPaginator(p.cw, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(PolicyPrefix)})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scaling/awsasg: DescribeAlarms %s*: %w", PolicyPrefix, err)
		}
		for _, a := range page.MetricAlarms {
			for _, s := range specs {
				if groupAlarm(a, s.Name) {
					out[s.Name].alarms[aws.ToString(a.AlarmName)] = a
				}
			}
		}
	}
	return out, nil
}

func secs(d interface{ Seconds() float64 }) int32 { return int32(d.Seconds()) }

// plan compares one spec with what was read.
func plan(s GroupSpec, l *live) *Plan {
	pl := &Plan{Group: s.Name}
	pl.Notes = append(pl.Notes, "policies run by "+s.Run.String())
	var native []PolicySpec
	if s.Run == RunByAWS {
		native = s.Policies
	}
	needsInService := slices.ContainsFunc(native, func(p PolicySpec) bool { _, ok := p.Policy.(*scaling.Backlog); return ok })
	if l.group == nil {
		pl.Create = true
		pl.putPolicies = native
		if needsInService {
			pl.enableMetrics = true
			pl.Changes = append(pl.Changes, Change{Resource: "group", Name: s.Name, Field: "EnabledMetrics", Desired: InServiceMetric})
		}
		for _, ps := range native {
			pl.Changes = append(pl.Changes, Change{Resource: "policy", Name: policyName(s.Name, ps.Policy), Desired: ps.Policy.PolicyName()})
		}
		return pl
	}
	g := l.group
	field := func(name, cur, want string) {
		if cur != want {
			pl.Changes = append(pl.Changes, Change{Resource: "group", Name: s.Name, Field: name, Current: cur, Desired: want})
			pl.update = true
		}
	}
	itoa := func(v int32) string { return strconv.Itoa(int(v)) }
	lt := ""
	if g.LaunchTemplate != nil {
		lt = aws.ToString(g.LaunchTemplate.LaunchTemplateName)
		if _, err := strconv.Atoi(s.LaunchTemplateVersion); err == nil {
			lt += ":" + aws.ToString(g.LaunchTemplate.Version)
		}
	}
	want := s.LaunchTemplate
	if _, err := strconv.Atoi(s.LaunchTemplateVersion); err == nil {
		want += ":" + s.LaunchTemplateVersion
	}
	field("LaunchTemplate", lt, want)
	field("MinSize", itoa(aws.ToInt32(g.MinSize)), itoa(int32(s.Min)))
	field("MaxSize", itoa(aws.ToInt32(g.MaxSize)), itoa(int32(s.Max)))
	field("VPCZoneIdentifier", sortedList(aws.ToString(g.VPCZoneIdentifier)), sortedList(strings.Join(s.Subnets, ",")))
	field("HealthCheckType", aws.ToString(g.HealthCheckType), healthCheckType(s))
	field("HealthCheckGracePeriod", itoa(aws.ToInt32(g.HealthCheckGracePeriod)), itoa(secs(s.HealthCheckGracePeriod)))
	if g.DefaultCooldown != nil || s.DefaultCooldown != 0 {
		field("DefaultCooldown", itoa(aws.ToInt32(g.DefaultCooldown)), itoa(cooldown(s)))
	}
	if g.DefaultInstanceWarmup == nil {
		if s.DefaultInstanceWarmup != 0 {
			pl.Notes = append(pl.Notes, "DefaultInstanceWarmup not reported by the service: not compared")
		}
	} else {
		field("DefaultInstanceWarmup", itoa(*g.DefaultInstanceWarmup), itoa(secs(s.DefaultInstanceWarmup)))
	}
	if needsInService && !slices.ContainsFunc(g.EnabledMetrics, func(m types.EnabledMetric) bool { return aws.ToString(m.Metric) == InServiceMetric }) {
		pl.enableMetrics = true
		pl.Changes = append(pl.Changes, Change{Resource: "group", Name: s.Name, Field: "EnabledMetrics", Desired: InServiceMetric})
	}
	for _, arn := range s.TargetGroupARNs {
		if !slices.Contains(g.TargetGroupARNs, arn) {
			pl.attach = append(pl.attach, arn)
			pl.Changes = append(pl.Changes, Change{Resource: "target group", Name: arn, Desired: "attached"})
		}
	}
	for _, arn := range g.TargetGroupARNs {
		if !slices.Contains(s.TargetGroupARNs, arn) {
			pl.detach = append(pl.detach, arn)
			pl.Changes = append(pl.Changes, Change{Resource: "target group", Name: arn, Current: "attached"})
		}
	}
	wanted := map[string]bool{}
	for _, ps := range native {
		name := policyName(s.Name, ps.Policy)
		wanted[name] = true
		in := putPolicy(s.Name, ps)
		cur, ok := l.policies[name]
		switch {
		case !ok:
			pl.putPolicies = append(pl.putPolicies, ps)
			pl.Changes = append(pl.Changes, Change{Resource: "policy", Name: name, Desired: inputKey(in)})
		case policyKey(cur) != inputKey(in):
			pl.putPolicies = append(pl.putPolicies, ps)
			pl.Changes = append(pl.Changes, Change{Resource: "policy", Name: name, Current: policyKey(cur), Desired: inputKey(in)})
		case isStep(ps):
			al := putAlarm(s.Name, ps, aws.ToString(cur.PolicyARN))
			a, ok := l.alarms[aws.ToString(al.AlarmName)]
			wantKey := alarmKey(aws.ToString(al.Namespace), aws.ToString(al.MetricName), al.Statistic, al.Period, al.EvaluationPeriods, al.Threshold, al.ComparisonOperator, al.Dimensions, al.AlarmActions)
			curKey := ""
			if ok {
				curKey = alarmKey(aws.ToString(a.Namespace), aws.ToString(a.MetricName), a.Statistic, a.Period, a.EvaluationPeriods, a.Threshold, a.ComparisonOperator, a.Dimensions, a.AlarmActions)
			}
			if curKey != wantKey {
				if pl.alarmOnly == nil {
					pl.alarmOnly = map[string]string{}
				}
				pl.alarmOnly[name] = aws.ToString(cur.PolicyARN)
				pl.putPolicies = append(pl.putPolicies, ps)
				pl.Changes = append(pl.Changes, Change{Resource: "alarm", Name: aws.ToString(al.AlarmName), Current: curKey, Desired: wantKey})
			}
		}
		if isStep(ps) {
			wanted[alarmName(name)] = true
		}
	}
	for name := range l.alarms {
		if !wanted[name] {
			pl.delAlarm = append(pl.delAlarm, name)
			pl.Changes = append(pl.Changes, Change{Resource: "alarm", Name: name, Current: "present"})
		}
	}
	for name := range l.policies {
		if !wanted[name] {
			pl.delPolicies = append(pl.delPolicies, name)
			pl.Changes = append(pl.Changes, Change{Resource: "policy", Name: name, Current: "present"})
		}
	}
	sort.Strings(pl.delAlarm)
	sort.Strings(pl.delPolicies)
	return pl
}

// InServiceMetric is the group metric a backlog policy divides the queue
// depth by; the Provisioner enables its collection.
const InServiceMetric = "GroupInServiceInstances"

func healthCheckType(s GroupSpec) string {
	if s.HealthCheckType == "" {
		return "EC2"
	}
	return s.HealthCheckType
}

func cooldown(s GroupSpec) int32 {
	if s.DefaultCooldown == 0 {
		return 300
	}
	return secs(s.DefaultCooldown)
}

func sortedList(s string) string {
	if s == "" {
		return ""
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
