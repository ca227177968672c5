// Package scalingtest is the conformance suite for scaling.Group backends:
// the same cases run against the in-memory group (scaling/scalingfake) and
// real backends (Docker Swarm in scaling/swarm, EC2 Auto Scaling), which is
// what proves the fake faithful. Run it from a test with your own Harness:
//
//	func TestConformance(t *testing.T) {
//		scalingtest.Run(t, func(t *testing.T) scalingtest.Harness { return myHarness{} })
//	}
//
// Each case asks the harness for a fresh group and checks one rule of the
// scaling.Group contract through its public methods.
package scalingtest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/scaling"
)

// Harness gives the suite fresh groups of the backend under test.
type Harness interface {
	// NewGroup returns a new group with the bounds and desired capacity,
	// its instances in service; the harness removes it when t ends.
	NewGroup(ctx context.Context, t *testing.T, min, max, desired int) (scaling.Group, error)
	// Advance lets time pass for the group to make progress: the fake
	// moves its clock by a few seconds, a real backend sleeps briefly.
	Advance(ctx context.Context)
}

// Changer is an optional Harness upgrade: backends whose groups carry
// more than a capacity (a service's image, a group's tags) run the case
// that checks a concurrent change by someone else is never reverted.
type Changer interface {
	// ChangeOther changes something of g other than its capacity, as
	// another operator would, and returns a check that fails if the change
	// was reverted.
	ChangeOther(ctx context.Context, g scaling.Group) (check func(ctx context.Context) error, err error)
}

// HarnessMaker returns a harness for one test case.
type HarnessMaker func(t *testing.T) Harness

// Timeout bounds each case.
const Timeout = 3 * time.Minute

// maxAdvances bounds how often a case waits for convergence.
const maxAdvances = 240

type testCase struct {
	name string
	fn   func(e *env)
}

// Run runs every case as a subtest of t.
func Run(t *testing.T, newHarness HarnessMaker) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			ctx, cancel := context.WithTimeout(context.Background(), Timeout)
			defer cancel()
			tc.fn(&env{t: t, h: h, ctx: ctx})
		})
	}
}

type env struct {
	t   *testing.T
	h   Harness
	ctx context.Context
}

func (e *env) group(min, max, desired int) scaling.Group {
	e.t.Helper()
	g, err := e.h.NewGroup(e.ctx, e.t, min, max, desired)
	if err != nil {
		e.t.Fatalf("NewGroup(%d, %d, %d): %v", min, max, desired, err)
	}
	e.eventually(g, fmt.Sprintf("%d in service", desired), func(st scaling.GroupState) bool {
		r, s, _, _ := st.Counts()
		return r == desired && s == 0
	})
	return g
}

func (e *env) state(g scaling.Group) scaling.GroupState {
	e.t.Helper()
	st, err := g.State(e.ctx)
	if err != nil {
		e.t.Fatalf("State: %v", err)
	}
	checkState(e.t, st)
	return st
}

// eventually advances until cond holds on the group's state.
func (e *env) eventually(g scaling.Group, what string, cond func(scaling.GroupState) bool) scaling.GroupState {
	e.t.Helper()
	var st scaling.GroupState
	for i := 0; i < maxAdvances; i++ {
		st = e.state(g)
		if cond(st) {
			return st
		}
		if e.ctx.Err() != nil {
			break
		}
		e.h.Advance(e.ctx)
	}
	e.t.Fatalf("never %s; last state %s", what, describe(st))
	return st
}

func describe(st scaling.GroupState) string {
	s := fmt.Sprintf("desired %d in [%d, %d]:", st.Desired, st.Min, st.Max)
	for _, in := range st.Instances {
		p := ""
		if in.Protected {
			p = " protected"
		}
		s += fmt.Sprintf(" %s %s%s;", in.ID, in.State, p)
	}
	return s
}

func checkState(t *testing.T, st scaling.GroupState) {
	t.Helper()
	if st.Min < 0 || st.Desired < st.Min || st.Desired > st.Max {
		t.Errorf("State: want 0 <= Min <= Desired <= Max, got %s", describe(st))
	}
	seen := map[string]bool{}
	for _, in := range st.Instances {
		if in.ID == "" || seen[in.ID] {
			t.Errorf("State: instance ID %q empty or repeated: %s", in.ID, describe(st))
		}
		seen[in.ID] = true
		if in.State < scaling.Pending || in.State > scaling.Terminating {
			t.Errorf("State: instance %s has state %d", in.ID, in.State)
		}
	}
}

func live(st scaling.GroupState) int {
	r, s, _, _ := st.Counts()
	return r + s
}

var cases = []testCase{
	{"StateBounds", func(e *env) {
		g := e.group(1, 4, 2)
		st := e.state(g)
		if st.Min != 1 || st.Max != 4 || st.Desired != 2 {
			e.t.Errorf("State = %s; want desired 2 in [1, 4]", describe(st))
		}
	}},
	{"ScaleOutConverges", func(e *env) {
		g := e.group(1, 5, 1)
		if err := g.SetDesired(e.ctx, 3); err != nil {
			e.t.Fatalf("SetDesired(3): %v", err)
		}
		if st := e.state(g); st.Desired != 3 {
			e.t.Errorf("Desired after SetDesired(3) = %d", st.Desired)
		}
		e.eventually(g, "3 in service", func(st scaling.GroupState) bool {
			r, s, _, _ := st.Counts()
			return r == 3 && s == 0
		})
	}},
	{"ScaleInConverges", func(e *env) {
		g := e.group(0, 5, 3)
		before := e.state(g)
		if err := g.SetDesired(e.ctx, 1); err != nil {
			e.t.Fatalf("SetDesired(1): %v", err)
		}
		st := e.eventually(g, "1 live instance and none terminating", func(st scaling.GroupState) bool {
			_, _, term, _ := st.Counts()
			return live(st) == 1 && term == 0
		})
		// The survivor is one of the instances that were there: scale-in
		// does not replace instances.
		old := map[string]bool{}
		for _, in := range before.Instances {
			old[in.ID] = true
		}
		for _, in := range st.Instances {
			if !old[in.ID] {
				e.t.Errorf("scale-in started instance %s", in.ID)
			}
		}
	}},
	{"ScaleToZeroAndBack", func(e *env) {
		g := e.group(0, 3, 1)
		if err := g.SetDesired(e.ctx, 0); err != nil {
			e.t.Fatalf("SetDesired(0): %v", err)
		}
		e.eventually(g, "empty", func(st scaling.GroupState) bool { return len(st.Instances) == 0 })
		if err := g.SetDesired(e.ctx, 2); err != nil {
			e.t.Fatalf("SetDesired(2): %v", err)
		}
		e.eventually(g, "2 in service", func(st scaling.GroupState) bool {
			r, _, _, _ := st.Counts()
			return r == 2
		})
	}},
	{"OutOfRangeRefused", func(e *env) {
		g := e.group(1, 3, 2)
		for _, n := range []int{4, 0, -1} {
			err := g.SetDesired(e.ctx, n)
			if !errors.Is(err, scaling.ErrInvalid) {
				e.t.Errorf("SetDesired(%d) = %v; want an error matching scaling.ErrInvalid", n, err)
			}
		}
		e.h.Advance(e.ctx)
		if st := e.state(g); st.Desired != 2 || live(st) != 2 {
			e.t.Errorf("after refused writes: %s; want 2 as before", describe(st))
		}
	}},
	{"SameDesiredChangesNothing", func(e *env) {
		g := e.group(1, 3, 2)
		before := e.state(g)
		if err := g.SetDesired(e.ctx, 2); err != nil {
			e.t.Fatalf("SetDesired(2): %v", err)
		}
		e.h.Advance(e.ctx)
		after := e.state(g)
		if describe(before) != describe(after) {
			e.t.Errorf("SetDesired to the same capacity changed the group:\nbefore %s\nafter  %s", describe(before), describe(after))
		}
	}},
	{"StartingInstancesPassThroughStates", func(e *env) {
		g := e.group(0, 4, 0)
		if err := g.SetDesired(e.ctx, 2); err != nil {
			e.t.Fatalf("SetDesired(2): %v", err)
		}
		// Every instance seen is either starting or in service, and
		// starting ones become in service without being replaced.
		seen := map[string]bool{}
		e.eventually(g, "2 in service", func(st scaling.GroupState) bool {
			for _, in := range st.Instances {
				if in.State == scaling.Terminating {
					e.t.Errorf("instance %s terminating during a scale-out", in.ID)
				}
				seen[in.ID] = true
			}
			r, _, _, _ := st.Counts()
			return r == 2
		})
		if len(seen) != 2 {
			e.t.Errorf("saw %d instances during a scale-out to 2; want 2", len(seen))
		}
	}},
	{"ProtectedNotTerminated", func(e *env) {
		g := e.group(0, 4, 3)
		pr, ok := g.(scaling.Protector)
		if !ok {
			e.t.Skip("backend cannot protect instances from scale-in")
		}
		st := e.state(g)
		keep := []string{st.Instances[0].ID, st.Instances[1].ID}
		if err := pr.SetProtection(e.ctx, keep, true); err != nil {
			e.t.Fatalf("SetProtection: %v", err)
		}
		if err := pr.SetProtection(e.ctx, []string{"no-such-instance"}, true); !errors.Is(err, scaling.ErrInvalid) {
			e.t.Errorf("SetProtection(unknown) = %v; want ErrInvalid", err)
		}
		if err := g.SetDesired(e.ctx, 0); err != nil {
			e.t.Fatalf("SetDesired(0): %v", err)
		}
		st = e.eventually(g, "only the protected left", func(st scaling.GroupState) bool {
			_, _, term, _ := st.Counts()
			return term == 0 && live(st) == 2
		})
		for _, in := range st.Instances {
			if in.ID != keep[0] && in.ID != keep[1] || !in.Protected {
				e.t.Errorf("after scale-in to 0 with 2 protected: %s", describe(st))
			}
		}
		if err := pr.SetProtection(e.ctx, keep, false); err != nil {
			e.t.Fatalf("SetProtection(false): %v", err)
		}
		e.eventually(g, "empty after unprotecting", func(st scaling.GroupState) bool { return len(st.Instances) == 0 })
	}},
	{"ConcurrentChangeNotReverted", func(e *env) {
		c, ok := e.h.(Changer)
		if !ok {
			e.t.Skip("harness cannot change a group's other settings")
		}
		g := e.group(1, 4, 1)
		check, err := c.ChangeOther(e.ctx, g)
		if err != nil {
			e.t.Fatalf("ChangeOther: %v", err)
		}
		if err := g.SetDesired(e.ctx, 2); err != nil && !errors.Is(err, scaling.ErrConflict) {
			e.t.Fatalf("SetDesired(2) after a concurrent change: %v", err)
		}
		if err := check(e.ctx); err != nil {
			e.t.Errorf("concurrent change reverted: %v", err)
		}
	}},
	{"LeaseExclusive", func(e *env) {
		g := e.group(1, 2, 1)
		l, ok := g.(scaling.Leaser)
		if !ok {
			e.t.Skip("backend keeps no lease")
		}
		t0 := time.Now().Truncate(time.Second)
		ttl := 10 * time.Second
		steps := []struct {
			holder string
			at     time.Duration
			want   string
		}{
			{"a", 0, "a"},                // free: a takes it
			{"b", time.Second, "a"},      // held: b sees a
			{"a", 2 * time.Second, "a"},  // a renews, until +12 s
			{"b", 11 * time.Second, "a"}, // still a's after the first expiry
			{"b", 12 * time.Second, "b"}, // lapsed: b takes it
			{"a", 13 * time.Second, "b"}, // and a stands by
		}
		for _, s := range steps {
			got, err := l.AcquireLease(e.ctx, s.holder, t0.Add(s.at), ttl)
			if err != nil {
				e.t.Fatalf("AcquireLease(%s at +%v): %v", s.holder, s.at, err)
			}
			if got.Holder != s.want {
				e.t.Errorf("AcquireLease(%s at +%v) = held by %q; want %q", s.holder, s.at, got.Holder, s.want)
			}
		}
	}},
	{"LeaseRace", func(e *env) {
		g := e.group(1, 2, 1)
		l, ok := g.(scaling.Leaser)
		if !ok {
			e.t.Skip("backend keeps no lease")
		}
		now := time.Now()
		got := make([]scaling.Lease, 4)
		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = l.AcquireLease(e.ctx, fmt.Sprintf("c%d", i), now, time.Minute)
			}()
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil {
				e.t.Fatalf("AcquireLease(c%d): %v", i, errs[i])
			}
			if got[i].Holder != got[0].Holder {
				e.t.Errorf("racing holders saw different leases: %+v", got)
			}
		}
	}},
}
