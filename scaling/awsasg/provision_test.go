package awsasg_test

import (
	"context"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
)

// world is a moto of the test's own with what groups need around them.
type world struct {
	prov     *awsasg.Provisioner
	asg      *autoscaling.Client
	count    *testenv.AWSCalls
	template string
	subnets  []string
	tgARN    string
	label    string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	cfg := testenv.PrivateMoto(t)
	w := &world{count: &testenv.AWSCalls{}, template: launchTemplate(t, cfg)}
	subs, err := ec2.NewFromConfig(cfg).DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatalf("DescribeSubnets: %v", err)
	}
	for _, s := range subs.Subnets {
		w.subnets = append(w.subnets, aws.ToString(s.SubnetId))
	}
	sort.Strings(w.subnets)
	if len(w.subnets) < 2 {
		t.Fatalf("moto has %d default subnets; want 2 or more", len(w.subnets))
	}
	w.subnets = w.subnets[:2]
	lbc := elb.NewFromConfig(cfg)
	lb, err := lbc.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("web"), Subnets: w.subnets, Type: elbtypes.LoadBalancerTypeEnumApplication})
	if err != nil {
		t.Fatalf("CreateLoadBalancer: %v", err)
	}
	vpc := aws.ToString(lb.LoadBalancers[0].VpcId)
	tg, err := lbc.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("web"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String(vpc)})
	if err != nil {
		t.Fatalf("CreateTargetGroup: %v", err)
	}
	w.tgARN = aws.ToString(tg.TargetGroups[0].TargetGroupArn)
	lbARN := aws.ToString(lb.LoadBalancers[0].LoadBalancerArn)
	w.label = lbARN[strings.Index(lbARN, "app/"):] + "/" + w.tgARN[strings.Index(w.tgARN, "targetgroup/"):]
	counted := cfg.Copy()
	w.count.Install(&counted)
	w.asg = autoscaling.NewFromConfig(counted)
	w.prov = awsasg.NewProvisioner(w.asg, cloudwatch.NewFromConfig(counted))
	return w
}

// specs are three groups: a web tier on CPU and requests per target
// run by AWS, queue workers on backlog per instance run by AWS, and a
// batch tier with a step policy pair run by the opskit controller.
func (w *world) specs() []awsasg.GroupSpec {
	base := func(name string) awsasg.GroupSpec {
		return awsasg.GroupSpec{Name: name, LaunchTemplate: w.template, Min: 2, Max: 10, Desired: 2,
			Subnets: w.subnets, HealthCheckGracePeriod: 90 * time.Second, DefaultInstanceWarmup: 120 * time.Second}
	}
	web := base("web")
	web.HealthCheckType, web.TargetGroupARNs = "ELB", []string{w.tgARN}
	web.Policies = []awsasg.PolicySpec{
		{Policy: &scaling.TargetTracking{Name: "cpu", Metric: "cpu", Target: 50}, Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageCPUUtilization}},
		{Policy: &scaling.TargetTracking{Name: "requests", Metric: "rps", Target: 1000}, Metric: awsasg.MetricSource{Predefined: awsasg.ALBRequestCountPerTarget, ResourceLabel: w.label}},
	}
	worker := base("worker")
	worker.Min, worker.Desired = 0, 0
	worker.Policies = []awsasg.PolicySpec{{
		Policy: &scaling.Backlog{Name: "backlog", Metric: "jobs", AcceptableLatency: 10 * time.Second, ProcessingTime: 100 * time.Millisecond},
		Metric: awsasg.MetricSource{Namespace: "AWS/SQS", Name: "ApproximateNumberOfMessagesVisible", Dimensions: map[string]string{"QueueName": "jobs"}},
	}}
	batch := base("batch")
	batch.Policies = []awsasg.PolicySpec{
		{Policy: &scaling.StepScaling{Name: "out", Metric: "cpu", Threshold: 70, Steps: []scaling.Step{{Lower: 0, Upper: 15, Adjustment: 1}, {Lower: 15, Upper: math.Inf(1), Adjustment: 3}}},
			Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageNetworkIn}},
		{Policy: &scaling.StepScaling{Name: "in", Metric: "cpu", Threshold: 30, Steps: []scaling.Step{{Lower: math.Inf(-1), Upper: 0, Adjustment: -1}}},
			Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageCPUUtilization}},
	}
	return []awsasg.GroupSpec{web, worker, batch}
}

func TestApplyIdempotent(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	specs := w.specs()
	plans, err := w.prov.Apply(ctx, specs...)
	if err != nil {
		t.Fatalf("first Apply: %v", err)
	}
	all, writes, ops := w.count.Take()
	t.Logf("from nothing: %d calls, %d that change something: %v", all, writes, ops)
	for _, p := range plans {
		if !p.Create {
			t.Errorf("first plan of %s does not create it:\n%s", p.Group, p)
		}
	}
	// 3 creates, 2+1 target-tracking policies, 2 step policies and 2
	// alarms, and the worker's in-service metric for its backlog policy.
	if writes != 11 || ops["EnableMetricsCollection"] != 1 {
		t.Errorf("first Apply made %d changing calls; want 11 (3 groups, 5 policies, 2 alarms, 1 metrics collection)", writes)
	}

	plans, err = w.prov.Apply(ctx, specs...)
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	all, writes, ops = w.count.Take()
	t.Logf("again: %d calls, %d that change something: %v", all, writes, ops)
	for _, p := range plans {
		if !p.Empty() {
			t.Errorf("second plan not empty:\n%s", p)
		}
	}
	if writes != 0 {
		t.Errorf("second Apply made %d changing calls: %v", writes, ops)
	}

	specs[2].Policies[0].Policy.(*scaling.StepScaling).Threshold = 75
	specs[0].Max = 12
	plans, err = w.prov.Apply(ctx, specs...)
	if err != nil {
		t.Fatalf("third Apply: %v", err)
	}
	all, writes, ops = w.count.Take()
	t.Logf("one bound and one alarm threshold changed: %d calls, %d that change something: %v", all, writes, ops)
	var changes []string
	for _, p := range plans {
		for _, c := range p.Changes {
			changes = append(changes, c.String())
		}
	}
	if len(changes) != 2 || writes != 2 || ops["UpdateAutoScalingGroup"] != 1 || ops["PutMetricAlarm"] != 1 {
		t.Errorf("changes %q with calls %v; want MaxSize and the alarm, one call each", changes, ops)
	}
	if plans, _ := w.prov.Plan(ctx, specs...); !plans[0].Empty() || !plans[2].Empty() {
		t.Errorf("plan after the change not empty:\n%s%s", plans[0], plans[2])
	}

	// Handing the batch tier to the controller removes its native
	// policies and alarms.
	specs[2].Run = awsasg.RunByController
	if _, err := w.prov.Apply(ctx, specs...); err != nil {
		t.Fatal(err)
	}
	_, _, ops = w.count.Take()
	if ops["DeletePolicy"] != 2 || ops["DeleteAlarms"] != 1 {
		t.Errorf("RunByController: calls %v; want 2 DeletePolicy and 1 DeleteAlarms", ops)
	}
	out, err := w.asg.DescribePolicies(ctx, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: aws.String("batch")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ScalingPolicies) != 0 {
		t.Errorf("batch keeps %d native policies under the controller", len(out.ScalingPolicies))
	}
}
