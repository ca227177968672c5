package awsasg_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
	"github.com/opskit-dev/opskit/scaling/awsasg/awsasgfake"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
)

// counting counts the calls made through it, by operation.
type counting struct {
	creator
	mu    sync.Mutex
	calls map[string]int
}

func (c *counting) add(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.calls == nil {
		c.calls = map[string]int{}
	}
	c.calls[op]++
}

func (c *counting) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = nil
	return out
}

func (c *counting) DescribeAutoScalingGroups(ctx context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, o ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	c.add("DescribeAutoScalingGroups")
	return c.creator.DescribeAutoScalingGroups(ctx, in, o...)
}

func (c *counting) SetDesiredCapacity(ctx context.Context, in *autoscaling.SetDesiredCapacityInput, o ...func(*autoscaling.Options)) (*autoscaling.SetDesiredCapacityOutput, error) {
	c.add("SetDesiredCapacity")
	return c.creator.SetDesiredCapacity(ctx, in, o...)
}

func createGroups(t *testing.T, api creator, template string, n int) []string {
	t.Helper()
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("fleet-%03d", i)
		in := &autoscaling.CreateAutoScalingGroupInput{
			AutoScalingGroupName: aws.String(names[i]),
			MinSize:              aws.Int32(0), MaxSize: aws.Int32(4), DesiredCapacity: aws.Int32(0),
			AvailabilityZones: []string{"us-east-1a"},
		}
		if template != "" {
			in.LaunchTemplate = &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String(template), Version: aws.String("$Latest")}
		}
		if _, err := api.CreateAutoScalingGroup(context.Background(), in); err != nil {
			t.Fatalf("CreateAutoScalingGroup(%s): %v", names[i], err)
		}
	}
	return names
}

func TestFleetBatchesReads(t *testing.T) {
	clock := scalingfake.NewClock(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC))
	fake := awsasgfake.New(awsasgfake.Options{Clock: clock})
	api := &counting{creator: fake}
	names := createGroups(t, api, "", 250)
	f, err := awsasg.NewFleet(api, awsasg.FleetOptions{Clock: clock, MaxAge: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	groups := make([]*awsasg.Group, len(names))
	for i, n := range names {
		if groups[i], err = f.Group(n); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, g := range groups {
		if _, err := g.State(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := api.take()["DescribeAutoScalingGroups"]; got != 3 {
		t.Errorf("reading 250 groups took %d DescribeAutoScalingGroups calls; want 3 (100 names a call)", got)
	}
	// A write is reflected by the next State without a read.
	if err := groups[7].SetDesired(ctx, 2); err != nil {
		t.Fatal(err)
	}
	st, err := groups[7].State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Desired != 2 {
		t.Errorf("Desired after SetDesired(2) = %d", st.Desired)
	}
	if got := api.take(); got["DescribeAutoScalingGroups"] != 0 || got["SetDesiredCapacity"] != 1 {
		t.Errorf("write then read within MaxAge made calls %v; want one SetDesiredCapacity", got)
	}
	// Past MaxAge, the next State reads everything again.
	clock.Advance(10 * time.Second)
	st, err = groups[7].State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r, s, _, _ := st.Counts(); r+s != 2 {
		t.Errorf("after MaxAge: %d live instances; want 2", r+s)
	}
	if got := api.take()["DescribeAutoScalingGroups"]; got != 3 {
		t.Errorf("refresh after MaxAge took %d calls; want 3", got)
	}
	// A group that does not exist is reported as such.
	ghost, _ := f.Group("no-such-group")
	if _, err := ghost.State(ctx); err == nil {
		t.Error("State of a missing group succeeded")
	}
}

// TestControllerCallsPerTick runs the controller over 200 groups on moto,
// once with the groups taken from a Fleet and once with one Group each,
// and counts the AWS calls of one round.
func TestControllerCallsPerTick(t *testing.T) {
	cfg := testenv.PrivateMoto(t)
	api := &counting{creator: autoscaling.NewFromConfig(cfg)}
	names := createGroups(t, api, launchTemplate(t, cfg), 200)
	clock := scalingfake.NewClock(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC))
	spec := scaling.Spec{Policies: []scaling.Policy{&scaling.TargetTracking{Metric: "cpu", Target: 50}}}
	cpu := func(context.Context, scaling.GroupState) (float64, error) { return 50, nil }
	round := func(group func(name string) scaling.Group) map[string]int {
		c, err := scaling.NewController(scaling.ControllerOptions{Clock: clock})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for _, n := range names {
			if err := c.Add(scaling.GroupConfig{Name: n, Group: group(n), Spec: spec, Metrics: map[string]scaling.MetricFunc{"cpu": cpu}}); err != nil {
				t.Fatal(err)
			}
		}
		api.take()
		if err := c.Tick(context.Background()); err != nil {
			t.Fatal(err)
		}
		return api.take()
	}
	f, err := awsasg.NewFleet(api, awsasg.FleetOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	batched := round(func(n string) scaling.Group { g, _ := f.Group(n); return g })
	single := round(func(n string) scaling.Group {
		g, _ := awsasg.NewGroup(api, n, awsasg.GroupOptions{Clock: clock})
		return g
	})
	t.Logf("200 groups, one controller round: Fleet %v; one Group each %v", batched, single)
	if batched["DescribeAutoScalingGroups"] != 2 {
		t.Errorf("Fleet round: %d DescribeAutoScalingGroups calls; want 2", batched["DescribeAutoScalingGroups"])
	}
	if single["DescribeAutoScalingGroups"] != 200 {
		t.Errorf("per-group round: %d DescribeAutoScalingGroups calls; want 200", single["DescribeAutoScalingGroups"])
	}
}
