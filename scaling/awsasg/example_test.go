package awsasg_test

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
	"github.com/opskit-dev/opskit/scaling/awsasg/awsasgfake"
)

func ExampleFleet() {
	ctx := context.Background()
	// With AWS: api := autoscaling.NewFromConfig(cfg).
	api := awsasgfake.New(awsasgfake.Options{})
	for _, name := range []string{"web", "worker"} {
		_, _ = api.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{
			AutoScalingGroupName: aws.String(name), MinSize: aws.Int32(1), MaxSize: aws.Int32(6), DesiredCapacity: aws.Int32(2),
		})
	}
	fleet, _ := awsasg.NewFleet(api, awsasg.FleetOptions{})
	web, _ := fleet.Group("web")
	worker, _ := fleet.Group("worker")
	_ = worker.SetDesired(ctx, 4)
	for _, g := range []*awsasg.Group{web, worker} {
		st, _ := g.State(ctx)
		fmt.Printf("%s: desired %d in [%d, %d]\n", g.Name(), st.Desired, st.Min, st.Max)
	}
	fmt.Println(api.Calls()["DescribeAutoScalingGroups"], "read")
	// Output:
	// web: desired 2 in [1, 6]
	// worker: desired 4 in [1, 6]
	// 1 read
}

func ExampleGroupSpec_Validate() {
	spec := awsasg.GroupSpec{
		Name: "web", LaunchTemplate: "web-v7", Min: 2, Desired: 2, Max: 20,
		Subnets:               []string{"subnet-a", "subnet-b", "subnet-c"},
		DefaultInstanceWarmup: 2 * time.Minute,
		Policies: []awsasg.PolicySpec{{
			Policy: &scaling.TargetTracking{Name: "requests", Metric: "requests", Target: 1000},
			Metric: awsasg.MetricSource{Namespace: "AWS/ApplicationELB", Name: "RequestCount"},
		}},
	}
	fmt.Println(spec.Validate())
	spec.Policies[0].Metric = awsasg.MetricSource{Predefined: awsasg.ASGAverageCPUUtilization}
	spec.Policies[0].Policy = &scaling.TargetTracking{Name: "cpu", Metric: "cpu", Target: 50}
	fmt.Println(spec.Validate())
	// Output:
	// scaling/awsasg: invalid group "web" policy #1: Metric.Name: target tracking on RequestCount does not work: the metric must fall as instances are added (AWS documents raw request count, latency and queue depth as unusable); use ALBRequestCountPerTarget or a Backlog policy (target 1000)
	// <nil>
}

func ExampleProvisioner() {
	ctx := context.Background()
	var cfg aws.Config // from config.LoadDefaultConfig(ctx)
	prov := awsasg.NewProvisioner(autoscaling.NewFromConfig(cfg), cloudwatch.NewFromConfig(cfg))
	spec := awsasg.GroupSpec{
		Name: "worker", LaunchTemplate: "worker-v3", Min: 0, Desired: 0, Max: 40,
		Subnets: []string{"subnet-a", "subnet-b"},
		Policies: []awsasg.PolicySpec{{
			// 10 s acceptable latency / 0.1 s a message: 100 messages per
			// instance, as queue depth over the in-service count.
			Policy: &scaling.Backlog{Name: "backlog", Metric: "jobs", AcceptableLatency: 10 * time.Second, ProcessingTime: 100 * time.Millisecond},
			Metric: awsasg.MetricSource{Namespace: "AWS/SQS", Name: "ApproximateNumberOfMessagesVisible", Dimensions: map[string]string{"QueueName": "jobs"}},
		}},
	}
	plans, err := prov.Plan(ctx, spec)
	if err != nil {
		panic(err)
	}
	fmt.Print(plans[0]) // read before applying
	if _, err := prov.Apply(ctx, spec); err != nil {
		panic(err)
	}
}
