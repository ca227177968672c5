package scalingfake

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/scaling"
)

func TestLifeCycleOnTheClock(t *testing.T) {
	ctx := context.Background()
	c := NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	g, err := NewGroup(c, GroupOptions{Min: 0, Max: 3, Desired: 1, Launch: 10 * time.Second, WarmUp: time.Minute, Linger: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.SetDesired(ctx, 2); err != nil {
		t.Fatal(err)
	}
	newest := func() scaling.InstanceState {
		st, _ := g.State(ctx)
		return st.Instances[len(st.Instances)-1].State
	}
	for _, step := range []struct {
		d    time.Duration
		want scaling.InstanceState
	}{{0, scaling.Pending}, {9 * time.Second, scaling.Pending}, {time.Second, scaling.WarmingUp}, {59 * time.Second, scaling.WarmingUp}, {time.Second, scaling.InService}} {
		c.Advance(step.d)
		if got := newest(); got != step.want {
			t.Fatalf("at +%v: state %v; want %v", step.d, got, step.want)
		}
	}
	if err := g.SetDesired(ctx, 1); err != nil {
		t.Fatal(err)
	}
	st, _ := g.State(ctx)
	if _, _, term, _ := st.Counts(); term != 1 {
		t.Fatalf("after scale-in: %d terminating; want 1", term)
	}
	if st.Instances[1].State != scaling.Terminating {
		t.Errorf("the newest instance should terminate first: %+v", st.Instances)
	}
	c.Advance(29 * time.Second)
	if st, _ := g.State(ctx); len(st.Instances) != 2 {
		t.Errorf("terminating instance gone before its linger: %+v", st.Instances)
	}
	c.Advance(time.Second)
	if st, _ := g.State(ctx); len(st.Instances) != 1 {
		t.Errorf("terminating instance still there after its linger: %+v", st.Instances)
	}
}

func TestClockAfter(t *testing.T) {
	c := NewClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	ch := c.After(time.Minute)
	c.Advance(59 * time.Second)
	select {
	case <-ch:
		t.Fatal("fired early")
	default:
	}
	c.Advance(time.Second)
	select {
	case <-ch:
	default:
		t.Fatal("did not fire")
	}
	if c.Waiters() != 0 {
		t.Errorf("Waiters = %d", c.Waiters())
	}
}
