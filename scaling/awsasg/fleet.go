package awsasg

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"

	"github.com/opskit-dev/opskit/scaling"
)

// MaxNames is how many group names one DescribeAutoScalingGroups call
// takes (its MaxRecords limit).
const MaxNames = 100

// FleetOptions configure a Fleet. The zero value works.
type FleetOptions struct {
	// Clock times warm-ups and the snapshot's age; nil is the wall clock.
	Clock scaling.Clock
	// MaxAge is how long one batched read serves every group's State;
	// zero means 5 s. Set it below the Controller's Interval so that each
	// round reads every group once.
	MaxAge time.Duration
	// WarmUp overrides each group's DefaultInstanceWarmup when positive.
	WarmUp time.Duration
	// ReassertDesired makes SetProtection(false) set the desired capacity
	// again when more instances are live than desired, for emulators
	// (moto) that only reconcile on a capacity change. AWS does not need it.
	ReassertDesired bool
}

// Fleet reads many Auto Scaling groups in as few calls as the API allows:
// the names of every group it has handed out, 100 to a
// DescribeAutoScalingGroups call, pages followed. The groups it returns
// share one snapshot no older than MaxAge, so a Controller round over 200
// groups costs two reads, not 200.
type Fleet struct {
	api  API
	opts FleetOptions

	mu     sync.Mutex
	names  []string
	groups map[string]*Group
	snap   map[string]types.AutoScalingGroup
	at     time.Time
	fresh  bool
	// always reads afresh at every lookup (a Group made by NewGroup).
	always bool
}

// NewFleet returns a fleet with no groups.
func NewFleet(api API, opts FleetOptions) (*Fleet, error) {
	if api == nil {
		return nil, invalid("fleet", "api", "nil")
	}
	if opts.MaxAge < 0 || opts.WarmUp < 0 {
		return nil, invalid("FleetOptions", "MaxAge", "negative duration")
	}
	if opts.Clock == nil {
		opts.Clock = scaling.SystemClock{}
	}
	if opts.MaxAge == 0 {
		opts.MaxAge = 5 * time.Second
	}
	return &Fleet{api: api, opts: opts, groups: map[string]*Group{}}, nil
}

// Group returns the group called name as a scaling.Group whose reads are
// batched with the fleet's other groups.
func (f *Fleet) Group(name string) (*Group, error) {
	if name == "" {
		return nil, invalid("group", "name", "empty")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if g, ok := f.groups[name]; ok {
		return g, nil
	}
	g := &Group{name: name, fleet: f}
	f.groups[name] = g
	f.names = append(f.names, name)
	f.fresh = false
	return g, nil
}

// Describe reads the named groups, MaxNames to a call, following pages.
// Groups that do not exist are absent from the result.
func Describe(ctx context.Context, api DescribeAutoScalingGroupsAPI, names []string) (map[string]types.AutoScalingGroup, error) {
	out := make(map[string]types.AutoScalingGroup, len(names))
	for start := 0; start < len(names); start += MaxNames {
		batch := names[start:min(start+MaxNames, len(names))]
		p := autoscaling.NewDescribeAutoScalingGroupsPaginator(api, &autoscaling.DescribeAutoScalingGroupsInput{
			AutoScalingGroupNames: batch, MaxRecords: aws.Int32(MaxNames),
		})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("scaling/awsasg: DescribeAutoScalingGroups (%d names from %q): %w", len(batch), batch[0], err)
			}
			for _, g := range page.AutoScalingGroups {
				out[aws.ToString(g.AutoScalingGroupName)] = g
			}
		}
	}
	return out, nil
}

// Refresh reads every group of the fleet now.
func (f *Fleet) Refresh(ctx context.Context) error {
	f.mu.Lock()
	names := append([]string(nil), f.names...)
	f.mu.Unlock()
	snap, err := Describe(ctx, f.api, names)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.snap, f.at, f.fresh = snap, f.opts.Clock.Now(), len(names) == len(f.names)
	f.mu.Unlock()
	return nil
}

// lookup returns the group's description from a snapshot no older than
// MaxAge, reading every group again when it is older.
func (f *Fleet) lookup(ctx context.Context, name string) (types.AutoScalingGroup, error) {
	f.mu.Lock()
	ok := !f.always && f.fresh && f.opts.Clock.Now().Sub(f.at) < f.opts.MaxAge
	f.mu.Unlock()
	if !ok {
		if err := f.Refresh(ctx); err != nil {
			return types.AutoScalingGroup{}, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	g, found := f.snap[name]
	if !found {
		return types.AutoScalingGroup{}, fmt.Errorf("scaling/awsasg: group %q: %w", name, ErrNotFound)
	}
	return g, nil
}

// patch applies a write this process made to the snapshot, so that the
// next State reflects it without a read.
func (f *Fleet) patch(name string, fn func(*types.AutoScalingGroup)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if g, ok := f.snap[name]; ok {
		g.Instances = append([]types.Instance(nil), g.Instances...)
		fn(&g)
		f.snap[name] = g
	}
}

// expire makes the next lookup read again.
func (f *Fleet) expire() {
	f.mu.Lock()
	f.fresh = false
	f.mu.Unlock()
}
