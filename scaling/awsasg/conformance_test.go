package awsasg_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
	"github.com/opskit-dev/opskit/scaling/awsasg/awsasgfake"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
	"github.com/opskit-dev/opskit/scaling/scalingtest"
)

// creator is the fake or the real client: groups are created the same way.
type creator interface {
	awsasg.API
	CreateAutoScalingGroup(context.Context, *autoscaling.CreateAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.CreateAutoScalingGroupOutput, error)
	DeleteAutoScalingGroup(context.Context, *autoscaling.DeleteAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error)
}

type harness struct {
	api      creator
	template string // launch template name; empty for the fake
	clock    *scalingfake.Clock
	opts     awsasg.GroupOptions
	seq      *atomic.Int64
}

func (h harness) NewGroup(ctx context.Context, t *testing.T, min, max, desired int) (scaling.Group, error) {
	name := fmt.Sprintf("conf-%d-%d", time.Now().UnixNano()%1e9, h.seq.Add(1))
	in := &autoscaling.CreateAutoScalingGroupInput{
		AutoScalingGroupName: aws.String(name),
		MinSize:              aws.Int32(int32(min)), MaxSize: aws.Int32(int32(max)),
		DesiredCapacity:   aws.Int32(int32(desired)),
		AvailabilityZones: []string{"us-east-1a", "us-east-1b"},
	}
	if h.template != "" {
		in.LaunchTemplate = &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String(h.template), Version: aws.String("$Latest")}
	}
	if _, err := h.api.CreateAutoScalingGroup(ctx, in); err != nil {
		return nil, err
	}
	t.Cleanup(func() {
		_, _ = h.api.DeleteAutoScalingGroup(context.Background(), &autoscaling.DeleteAutoScalingGroupInput{
			AutoScalingGroupName: aws.String(name), ForceDelete: aws.Bool(true)})
	})
	return awsasg.NewGroup(h.api, name, h.opts)
}

func (h harness) Advance(ctx context.Context) {
	if h.clock != nil {
		h.clock.Advance(5 * time.Second)
		return
	}
	select {
	case <-ctx.Done():
	case <-time.After(50 * time.Millisecond):
	}
}

// launchTemplate makes the launch template moto's groups start
// instances from.
func launchTemplate(t *testing.T, cfg aws.Config) string {
	t.Helper()
	name := fmt.Sprintf("opskit-asg-%d", time.Now().UnixNano())
	_, err := ec2.NewFromConfig(cfg).CreateLaunchTemplate(context.Background(), &ec2.CreateLaunchTemplateInput{
		LaunchTemplateName: aws.String(name),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro},
	})
	if err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	return name
}

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		scalingtest.Run(t, func(t *testing.T) scalingtest.Harness {
			clock := scalingfake.NewClock(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC))
			api := awsasgfake.New(awsasgfake.Options{Clock: clock, Launch: 10 * time.Second, Linger: 20 * time.Second})
			return harness{api: api, clock: clock, seq: new(atomic.Int64), opts: awsasg.GroupOptions{Clock: clock, WarmUp: 30 * time.Second}}
		})
	})
	t.Run("asg", func(t *testing.T) {
		cfg := testenv.PrivateMoto(t)
		cli := autoscaling.NewFromConfig(cfg)
		// moto reconciles a group only when its capacity is set, so
		// unprotected surplus instances stay until ReassertDesired
		// sets it again; AWS terminates them itself.
		h := motoHarness{harness{api: cli, template: launchTemplate(t, cfg), seq: new(atomic.Int64),
			opts: awsasg.GroupOptions{ReassertDesired: true}}, cli}
		scalingtest.Run(t, func(t *testing.T) scalingtest.Harness { return h })
	})
}

// motoHarness adds the concurrent-change case: another operator tags the
// group between the controller's read and write.
type motoHarness struct {
	harness
	cli *autoscaling.Client
}

func (h motoHarness) ChangeOther(ctx context.Context, g scaling.Group) (func(context.Context) error, error) {
	name := g.(*awsasg.Group).Name()
	if _, err := g.State(ctx); err != nil {
		return nil, err
	}
	_, err := h.cli.CreateOrUpdateTags(ctx, &autoscaling.CreateOrUpdateTagsInput{Tags: []astypes.Tag{{
		ResourceId: aws.String(name), ResourceType: aws.String("auto-scaling-group"),
		Key: aws.String("deployed-by"), Value: aws.String("someone-else"), PropagateAtLaunch: aws.Bool(false),
	}}})
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context) error {
		out, err := h.cli.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{name}})
		if err != nil {
			return err
		}
		for _, d := range out.AutoScalingGroups {
			for _, tag := range d.Tags {
				if aws.ToString(tag.Key) == "deployed-by" && aws.ToString(tag.Value) == "someone-else" {
					return nil
				}
			}
		}
		return fmt.Errorf("tag deployed-by=someone-else is gone")
	}, nil
}
