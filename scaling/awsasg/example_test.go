package awsasg_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"

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
