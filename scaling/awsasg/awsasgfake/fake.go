package awsasgfake

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/scaling"
)

// Options configure an AutoScaling. The zero value works.
type Options struct {
	// Clock is the service's time; nil is the wall clock.
	Clock scaling.Clock
	// Launch is how long a new instance is Pending.
	Launch time.Duration
	// Linger is how long a terminating instance is reported.
	Linger time.Duration
}

// AutoScaling is the fake service. It is safe for concurrent use.
type AutoScaling struct {
	opts Options

	mu     sync.Mutex
	groups map[string]*group
	next   int
	calls  map[string]int
}

type group struct {
	name             string
	min, max, desire int
	warmup           *int32
	instances        []*instance
}

type instance struct {
	id        string
	born      time.Time
	protected bool
	dying     time.Time // zero while live
}

// New returns an empty service.
func New(opts Options) *AutoScaling {
	if opts.Clock == nil {
		opts.Clock = scaling.SystemClock{}
	}
	return &AutoScaling{opts: opts, groups: map[string]*group{}, calls: map[string]int{}}
}

// Calls returns how many calls each operation has had.
func (a *AutoScaling) Calls() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make(map[string]int, len(a.calls))
	for k, v := range a.calls {
		out[k] = v
	}
	return out
}

func validation(format string, args ...any) error {
	return &smithy.GenericAPIError{Code: "ValidationError", Message: fmt.Sprintf(format, args...), Fault: smithy.FaultClient}
}

func (a *AutoScaling) find(name *string) (*group, error) {
	g, ok := a.groups[aws.ToString(name)]
	if !ok {
		return nil, validation("AutoScalingGroup name not found - AutoScalingGroup %s not found", aws.ToString(name))
	}
	return g, nil
}

// CreateAutoScalingGroup creates a group with its desired capacity of
// instances, Pending at first.
func (a *AutoScaling) CreateAutoScalingGroup(_ context.Context, in *autoscaling.CreateAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.CreateAutoScalingGroupOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls["CreateAutoScalingGroup"]++
	name := aws.ToString(in.AutoScalingGroupName)
	if name == "" {
		return nil, validation("AutoScalingGroupName is required")
	}
	if _, ok := a.groups[name]; ok {
		return nil, &types.AlreadyExistsFault{Message: aws.String(fmt.Sprintf("AutoScalingGroup by this name already exists - A group with the name %s already exists", name))}
	}
	lo, hi := int(aws.ToInt32(in.MinSize)), int(aws.ToInt32(in.MaxSize))
	want := lo
	if in.DesiredCapacity != nil {
		want = int(*in.DesiredCapacity)
	}
	if lo < 0 || hi < lo || want < lo || want > hi {
		return nil, validation("Desired capacity:%d must be between the specified min size:%d and max size:%d", want, lo, hi)
	}
	g := &group{name: name, min: lo, max: hi, desire: want, warmup: in.DefaultInstanceWarmup}
	a.groups[name] = g
	a.reconcile(g)
	return &autoscaling.CreateAutoScalingGroupOutput{}, nil
}

// DeleteAutoScalingGroup deletes a group and its instances (as with
// ForceDelete).
func (a *AutoScaling) DeleteAutoScalingGroup(_ context.Context, in *autoscaling.DeleteAutoScalingGroupInput, _ ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls["DeleteAutoScalingGroup"]++
	if _, err := a.find(in.AutoScalingGroupName); err != nil {
		return nil, err
	}
	delete(a.groups, aws.ToString(in.AutoScalingGroupName))
	return &autoscaling.DeleteAutoScalingGroupOutput{}, nil
}

// DescribeAutoScalingGroups describes the named groups (all when none are
// named) in name order, MaxRecords (at most 100, default 50) to a page.
func (a *AutoScaling) DescribeAutoScalingGroups(_ context.Context, in *autoscaling.DescribeAutoScalingGroupsInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls["DescribeAutoScalingGroups"]++
	limit := int(aws.ToInt32(in.MaxRecords))
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > 100 {
		return nil, validation("MaxRecords %d must be between 1 and 100", limit)
	}
	var names []string
	if len(in.AutoScalingGroupNames) == 0 {
		for n := range a.groups {
			names = append(names, n)
		}
	} else {
		for _, n := range in.AutoScalingGroupNames {
			if _, ok := a.groups[n]; ok {
				names = append(names, n)
			}
		}
	}
	sort.Strings(names)
	names = dedup(names)
	start := 0
	if tok := aws.ToString(in.NextToken); tok != "" {
		start = sort.SearchStrings(names, tok)
		if start == len(names) || names[start] != tok {
			return nil, &types.InvalidNextToken{Message: aws.String("The token is invalid.")}
		}
		start++
	}
	out := &autoscaling.DescribeAutoScalingGroupsOutput{}
	end := min(start+limit, len(names))
	for _, n := range names[start:end] {
		g := a.groups[n]
		a.reconcile(g)
		out.AutoScalingGroups = append(out.AutoScalingGroups, a.describe(g))
	}
	if end < len(names) {
		out.NextToken = aws.String(names[end-1])
	}
	return out, nil
}

func dedup(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func (a *AutoScaling) describe(g *group) types.AutoScalingGroup {
	d := types.AutoScalingGroup{
		AutoScalingGroupName:  aws.String(g.name),
		MinSize:               aws.Int32(int32(g.min)),
		MaxSize:               aws.Int32(int32(g.max)),
		DesiredCapacity:       aws.Int32(int32(g.desire)),
		DefaultInstanceWarmup: g.warmup,
	}
	now := a.opts.Clock.Now()
	for _, in := range g.instances {
		st := types.LifecycleStateInService
		switch {
		case !in.dying.IsZero():
			st = types.LifecycleStateTerminating
		case now.Sub(in.born) < a.opts.Launch:
			st = types.LifecycleStatePending
		}
		d.Instances = append(d.Instances, types.Instance{
			InstanceId: aws.String(in.id), LifecycleState: st,
			ProtectedFromScaleIn: aws.Bool(in.protected), HealthStatus: aws.String("Healthy"),
		})
	}
	return d
}

// SetDesiredCapacity sets the desired capacity within [MinSize, MaxSize].
func (a *AutoScaling) SetDesiredCapacity(_ context.Context, in *autoscaling.SetDesiredCapacityInput, _ ...func(*autoscaling.Options)) (*autoscaling.SetDesiredCapacityOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls["SetDesiredCapacity"]++
	g, err := a.find(in.AutoScalingGroupName)
	if err != nil {
		return nil, err
	}
	n := int(aws.ToInt32(in.DesiredCapacity))
	if n > g.max {
		return nil, validation("New SetDesiredCapacity value %d is above max value %d for the AutoScalingGroup.", n, g.max)
	}
	if n < g.min {
		return nil, validation("New SetDesiredCapacity value %d is below min value %d for the AutoScalingGroup.", n, g.min)
	}
	g.desire = n
	a.reconcile(g)
	return &autoscaling.SetDesiredCapacityOutput{}, nil
}

// SetInstanceProtection protects or unprotects instances of a group.
func (a *AutoScaling) SetInstanceProtection(_ context.Context, in *autoscaling.SetInstanceProtectionInput, _ ...func(*autoscaling.Options)) (*autoscaling.SetInstanceProtectionOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls["SetInstanceProtection"]++
	g, err := a.find(in.AutoScalingGroupName)
	if err != nil {
		return nil, err
	}
	if len(in.InstanceIds) > 50 {
		return nil, validation("InstanceIds: at most 50 instances, got %d", len(in.InstanceIds))
	}
	byID := map[string]*instance{}
	for _, x := range g.instances {
		if x.dying.IsZero() {
			byID[x.id] = x
		}
	}
	for _, id := range in.InstanceIds {
		if byID[id] == nil {
			return nil, validation("The instance %s is not part of Auto Scaling group %s.", id, g.name)
		}
	}
	for _, id := range in.InstanceIds {
		byID[id].protected = aws.ToBool(in.ProtectedFromScaleIn)
	}
	a.reconcile(g)
	return &autoscaling.SetInstanceProtectionOutput{}, nil
}

// reconcile drops terminated instances and moves the live count toward
// the desired capacity.
func (a *AutoScaling) reconcile(g *group) {
	now := a.opts.Clock.Now()
	kept := g.instances[:0]
	var live []*instance
	for _, in := range g.instances {
		if !in.dying.IsZero() && now.Sub(in.dying) >= a.opts.Linger {
			continue
		}
		kept = append(kept, in)
		if in.dying.IsZero() {
			live = append(live, in)
		}
	}
	g.instances = kept
	for n := len(live); n < g.desire; n++ {
		a.next++
		g.instances = append(g.instances, &instance{id: fmt.Sprintf("i-%017x", a.next), born: now})
	}
	surplus := len(live) - g.desire
	// Pending first, then the newest.
	sort.SliceStable(live, func(i, j int) bool { return live[i].born.After(live[j].born) })
	for _, in := range live {
		if surplus <= 0 {
			break
		}
		if in.protected {
			continue
		}
		in.dying = now
		surplus--
	}
}
