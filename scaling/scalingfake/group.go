package scalingfake

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/scaling"
)

// GroupOptions configure a Group. The zero value is a group of bounds
// [0, 0] whose instances are in service at once.
type GroupOptions struct {
	// Min, Max and Desired are the initial capacity; Desired instances
	// start in service.
	Min, Max, Desired int
	// Launch is how long a new instance stays Pending.
	Launch time.Duration
	// WarmUp is how long it then stays WarmingUp.
	WarmUp time.Duration
	// Linger is how long a terminating instance stays Terminating.
	Linger time.Duration
}

// Group is an in-memory scaling group on a Clock. It is safe for
// concurrent use.
type Group struct {
	clock *Clock
	opts  GroupOptions

	mu        sync.Mutex
	min, max  int
	desired   int
	seq       int
	instances []*instance
	refuse    int
	refuseErr error
	writes    int
	lease     scaling.Lease
}

type instance struct {
	id         string
	created    time.Time
	protected  bool
	terminated time.Time // zero while alive
}

var (
	_ scaling.Group     = (*Group)(nil)
	_ scaling.Protector = (*Group)(nil)
	_ scaling.Leaser    = (*Group)(nil)
)

// NewGroup returns a group on clock with opts.Desired instances in service.
func NewGroup(clock *Clock, opts GroupOptions) (*Group, error) {
	if opts.Min < 0 || opts.Max < opts.Min || opts.Desired < opts.Min || opts.Desired > opts.Max {
		return nil, &scaling.InvalidError{Input: "fake group", Field: "Desired",
			Reason: fmt.Sprintf("want 0 <= Min (%d) <= Desired (%d) <= Max (%d)", opts.Min, opts.Desired, opts.Max)}
	}
	if opts.Launch < 0 || opts.WarmUp < 0 || opts.Linger < 0 {
		return nil, &scaling.InvalidError{Input: "fake group", Field: "WarmUp", Reason: "negative duration"}
	}
	g := &Group{clock: clock, opts: opts, min: opts.Min, max: opts.Max, desired: opts.Desired}
	born := clock.Now().Add(-opts.Launch - opts.WarmUp)
	for i := 0; i < opts.Desired; i++ {
		g.launch(born)
	}
	return g, nil
}

func (g *Group) launch(at time.Time) {
	g.seq++
	g.instances = append(g.instances, &instance{id: fmt.Sprintf("i-%04d", g.seq), created: at})
}

func (g *Group) stateOf(in *instance, now time.Time) scaling.InstanceState {
	switch {
	case !in.terminated.IsZero():
		return scaling.Terminating
	case now.Before(in.created.Add(g.opts.Launch)):
		return scaling.Pending
	case now.Before(in.created.Add(g.opts.Launch + g.opts.WarmUp)):
		return scaling.WarmingUp
	}
	return scaling.InService
}

// reconcile drops instances that finished terminating and brings the
// live ones to desired: launching, or terminating unprotected ones, those
// not yet in service first, then the newest.
func (g *Group) reconcile(now time.Time) {
	n := 0
	var live []*instance
	for _, in := range g.instances {
		if !in.terminated.IsZero() && !now.Before(in.terminated.Add(g.opts.Linger)) {
			continue
		}
		g.instances[n] = in
		n++
		if in.terminated.IsZero() {
			live = append(live, in)
		}
	}
	g.instances = g.instances[:n]
	for i := len(live); i < g.desired; i++ {
		g.launch(now)
	}
	if excess := len(live) - g.desired; excess > 0 {
		sort.SliceStable(live, func(i, j int) bool {
			ri, rj := g.stateOf(live[i], now) == scaling.InService, g.stateOf(live[j], now) == scaling.InService
			if ri != rj {
				return !ri
			}
			return live[i].created.After(live[j].created)
		})
		for _, in := range live {
			if excess == 0 {
				break
			}
			if !in.protected {
				in.terminated = now
				excess--
			}
		}
	}
}

// State implements scaling.Group.
func (g *Group) State(ctx context.Context) (scaling.GroupState, error) {
	if err := ctx.Err(); err != nil {
		return scaling.GroupState{}, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.clock.Now()
	g.reconcile(now)
	st := scaling.GroupState{Min: g.min, Max: g.max, Desired: g.desired, Instances: make([]scaling.Instance, 0, len(g.instances))}
	for _, in := range g.instances {
		s := g.stateOf(in, now)
		since := in.created
		switch s {
		case scaling.WarmingUp:
			since = in.created.Add(g.opts.Launch)
		case scaling.InService:
			since = in.created.Add(g.opts.Launch + g.opts.WarmUp)
		case scaling.Terminating:
			since = in.terminated
		}
		st.Instances = append(st.Instances, scaling.Instance{ID: in.id, State: s, Protected: in.protected, Since: since})
	}
	return st, nil
}

// SetDesired implements scaling.Group.
func (g *Group) SetDesired(ctx context.Context, desired int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.refuse != 0 {
		if g.refuse > 0 {
			g.refuse--
		}
		return g.refuseErr
	}
	if desired < g.min || desired > g.max {
		return &scaling.InvalidError{Input: "fake group", Field: "desired",
			Reason: fmt.Sprintf("%d outside [%d, %d]", desired, g.min, g.max)}
	}
	g.writes++
	g.desired = desired
	g.reconcile(g.clock.Now())
	return nil
}

// SetProtection implements scaling.Protector.
func (g *Group) SetProtection(ctx context.Context, ids []string, protected bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	byID := map[string]*instance{}
	for _, in := range g.instances {
		if in.terminated.IsZero() {
			byID[in.id] = in
		}
	}
	for _, id := range ids {
		if byID[id] == nil {
			return &scaling.InvalidError{Input: fmt.Sprintf("instance %q", id), Reason: "not in the group"}
		}
	}
	for _, id := range ids {
		byID[id].protected = protected
	}
	g.reconcile(g.clock.Now())
	return nil
}

// SetBounds changes Min and Max, as an operator would; Desired is moved
// inside them.
func (g *Group) SetBounds(lo, hi int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.min, g.max = lo, hi
	g.desired = max(lo, min(g.desired, hi))
	g.reconcile(g.clock.Now())
}

// Refuse makes the next n calls to SetDesired fail with err (n < 0: all
// of them, until Refuse(0, nil)).
func (g *Group) Refuse(n int, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.refuse, g.refuseErr = n, err
}

// Writes returns how many SetDesired calls changed the group's desired
// capacity or confirmed it (refused calls are not counted).
func (g *Group) Writes() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.writes
}

// AcquireLease implements scaling.Leaser.
func (g *Group) AcquireLease(ctx context.Context, holder string, now time.Time, ttl time.Duration) (scaling.Lease, error) {
	if err := ctx.Err(); err != nil {
		return scaling.Lease{}, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.lease.Holder == "" || g.lease.Holder == holder || !now.Before(g.lease.Expires) {
		g.lease = scaling.Lease{Holder: holder, Expires: now.Add(ttl)}
	}
	return g.lease, nil
}
