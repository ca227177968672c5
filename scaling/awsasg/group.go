package awsasg

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/scaling"
)

// MaxProtectIDs is how many instances one SetInstanceProtection call takes.
const MaxProtectIDs = 50

// GroupOptions configure a Group made by NewGroup. The zero value works.
type GroupOptions struct {
	// Clock times warm-ups; nil is the wall clock.
	Clock scaling.Clock
	// WarmUp overrides the group's DefaultInstanceWarmup when positive.
	WarmUp time.Duration
	// ReassertDesired: see FleetOptions.ReassertDesired.
	ReassertDesired bool
}

// Group is one EC2 Auto Scaling group as a scaling.Group and
// scaling.Protector.
type Group struct {
	name  string
	fleet *Fleet
	warm  warmups
}

var (
	_ scaling.Group     = (*Group)(nil)
	_ scaling.Protector = (*Group)(nil)
)

// NewGroup returns the group called name, read afresh at every State
// (one DescribeAutoScalingGroups call). To read many groups in a few
// calls, take them from a Fleet.
func NewGroup(api API, name string, opts GroupOptions) (*Group, error) {
	f, err := NewFleet(api, FleetOptions{Clock: opts.Clock, WarmUp: opts.WarmUp, ReassertDesired: opts.ReassertDesired})
	if err != nil {
		return nil, err
	}
	f.always = true
	return f.Group(name)
}

// Name returns the group's name.
func (g *Group) Name() string { return g.name }

// State implements scaling.Group: bounds, desired capacity and the
// instances with their lifecycle state (pending, in service, terminating;
// in service for less than the warm-up: warming up) and protection.
// Standby, detached and warm-pool instances are not part of it.
func (g *Group) State(ctx context.Context) (scaling.GroupState, error) {
	d, err := g.fleet.lookup(ctx, g.name)
	if err != nil {
		return scaling.GroupState{}, err
	}
	return g.warm.state(d, g.fleet.opts.Clock.Now(), g.fleet.opts.WarmUp), nil
}

// SetDesired implements scaling.Group with SetDesiredCapacity (cooldowns
// not honoured: the engine keeps its own windows). Only the capacity
// changes, so a concurrent change to anything else is never reverted.
func (g *Group) SetDesired(ctx context.Context, desired int) error {
	d, err := g.fleet.lookup(ctx, g.name)
	if err != nil {
		return err
	}
	lo, hi := int(aws.ToInt32(d.MinSize)), int(aws.ToInt32(d.MaxSize))
	if desired < lo || desired > hi {
		return invalid(groupInput(g.name), "desired", "%d outside [%d, %d]", desired, lo, hi)
	}
	if int(aws.ToInt32(d.DesiredCapacity)) == desired {
		return nil
	}
	return g.setDesired(ctx, desired)
}

func (g *Group) setDesired(ctx context.Context, desired int) error {
	_, err := g.fleet.api.SetDesiredCapacity(ctx, &autoscaling.SetDesiredCapacityInput{
		AutoScalingGroupName: aws.String(g.name),
		DesiredCapacity:      aws.Int32(int32(desired)),
		HonorCooldown:        aws.Bool(false),
	})
	if err != nil {
		g.fleet.expire()
		return g.apiError("SetDesiredCapacity", err)
	}
	g.fleet.patch(g.name, func(d *types.AutoScalingGroup) { d.DesiredCapacity = aws.Int32(int32(desired)) })
	return nil
}

// SetProtection implements scaling.Protector with SetInstanceProtection,
// 50 instances to a call. Every ID must be an instance of the group.
func (g *Group) SetProtection(ctx context.Context, ids []string, protected bool) error {
	d, err := g.fleet.lookup(ctx, g.name)
	if err != nil {
		return err
	}
	members := map[string]bool{}
	for _, in := range d.Instances {
		members[aws.ToString(in.InstanceId)] = true
	}
	for _, id := range ids {
		if !members[id] {
			return invalid(groupInput(g.name), "instance", "%q is not an instance of the group", id)
		}
	}
	for batch := range slices.Chunk(ids, MaxProtectIDs) {
		_, err := g.fleet.api.SetInstanceProtection(ctx, &autoscaling.SetInstanceProtectionInput{
			AutoScalingGroupName: aws.String(g.name),
			InstanceIds:          batch,
			ProtectedFromScaleIn: aws.Bool(protected),
		})
		if err != nil {
			g.fleet.expire()
			return g.apiError("SetInstanceProtection", err)
		}
	}
	set := map[string]bool{}
	for _, id := range ids {
		set[id] = true
	}
	g.fleet.patch(g.name, func(d *types.AutoScalingGroup) {
		for i := range d.Instances {
			if set[aws.ToString(d.Instances[i].InstanceId)] {
				d.Instances[i].ProtectedFromScaleIn = aws.Bool(protected)
			}
		}
	})
	if protected || !g.fleet.opts.ReassertDesired {
		return nil
	}
	g.fleet.expire()
	d, err = g.fleet.lookup(ctx, g.name)
	if err != nil {
		return err
	}
	live := 0
	for _, in := range d.Instances {
		if s, ok := lifecycle(in.LifecycleState); ok && s != scaling.Terminating {
			live++
		}
	}
	if live > int(aws.ToInt32(d.DesiredCapacity)) {
		return g.setDesired(ctx, int(aws.ToInt32(d.DesiredCapacity)))
	}
	return nil
}

// apiError wraps an Auto Scaling error; a ValidationError (bounds changed
// under us, an instance gone) matches ErrInvalid.
func (g *Group) apiError(op string, err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" {
		return fmt.Errorf("scaling/awsasg: group %q: %s: %w", g.name, op,
			errors.Join(&InvalidError{Input: groupInput(g.name), Reason: ae.ErrorMessage()}, err))
	}
	return fmt.Errorf("scaling/awsasg: group %q: %s: %w", g.name, op, err)
}
