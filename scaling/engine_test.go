package scaling

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestScheduleTimeZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	spec := raw(&TargetTracking{Metric: "cpu", Target: 50})
	spec.Schedules = []Schedule{
		{Name: "day", Cron: "0 8 * * 1-5", Location: ny, Min: Int(6), Max: Int(20), Desired: Int(8)},
		{Name: "night", Cron: "0 20 * * *", Location: ny, Min: Int(1), Max: Int(10)},
	}
	e, err := NewEngine(spec)
	if err != nil {
		t.Fatal(err)
	}
	st := group(1, 10, 2, 2, 0)
	// Monday 2026-01-05 13:00 UTC is 08:00 in New York: "day" fires.
	at := time.Date(2026, 1, 5, 13, 0, 30, 0, time.UTC)
	h := &History{Since: at.Add(-time.Hour), Last: at.Add(-time.Minute)}
	d := e.Decide(Input{Now: at, State: st, Metrics: one("cpu", 50), History: h})
	if d.Desired != 8 || d.Min != 6 || d.Max != 20 || d.Schedule != "day" {
		t.Fatalf("at 08:00 New York: Desired %d Min %d Max %d Schedule %q; want 8 6 20 day (%s)", d.Desired, d.Min, d.Max, d.Schedule, d.Reason)
	}
	h.Record(d, true)
	// A minute later Desired is not applied again: the policy scales in,
	// down to the schedule's Min.
	d = e.Decide(Input{Now: at.Add(time.Minute), State: group(1, 10, 8, 8, 0), Metrics: one("cpu", 5), History: h})
	if d.Desired != 6 || !strings.Contains(d.Reason, "clamped to [6, 20]") {
		t.Errorf("after: Desired %d; want 6 (%s)", d.Desired, d.Reason)
	}
	// 12:59 UTC is 07:59 in New York: still "night" from the evening before.
	d = e.Decide(Input{Now: at.Add(-time.Minute), State: st, Metrics: one("cpu", 50), History: &History{Since: at.Add(-time.Hour)}})
	if d.Schedule != "night" || d.Max != 10 {
		t.Errorf("07:59 New York: Schedule %q Max %d; want night 10", d.Schedule, d.Max)
	}
	// Saturday 08:00: "day" does not fire on weekends.
	sat := time.Date(2026, 1, 10, 13, 30, 0, 0, time.UTC)
	d = e.Decide(Input{Now: sat, State: st, Metrics: one("cpu", 50), History: &History{Since: sat.Add(-time.Hour)}})
	if d.Schedule != "night" {
		t.Errorf("Saturday: Schedule %q; want night", d.Schedule)
	}
	for _, bad := range []string{"* * *", "60 * * * *", "*/0 * * * *", "a * * * *", "5-1 * * * *"} {
		_, err := NewEngine(Spec{Schedules: []Schedule{{Cron: bad, Min: Int(1)}}})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("cron %q: %v; want ErrInvalid", bad, err)
		}
	}
}

func TestScaleToAndFromZero(t *testing.T) {
	spec := raw(&Backlog{Metric: "q", PerInstance: 100, Activation: 0})
	if d := decide(t, spec, group(0, 10, 2, 2, 0), one("q", 0)); d.Desired != 0 {
		t.Errorf("empty queue: Desired = %d; want 0 (%s)", d.Desired, d.Reason)
	}
	if d := decide(t, spec, group(1, 10, 2, 2, 0), one("q", 0)); d.Desired != 1 {
		t.Errorf("empty queue with Min 1: Desired = %d; want 1 (%s)", d.Desired, d.Reason)
	}
	if d := decide(t, spec, group(0, 10, 0, 0, 0), one("q", 1)); d.Desired != 1 {
		t.Errorf("one message from zero: Desired = %d; want 1 (%s)", d.Desired, d.Reason)
	}
	if d := decide(t, spec, group(0, 10, 0, 0, 0), one("q", 350)); d.Desired != 4 {
		t.Errorf("350 messages from zero: Desired = %d; want 4 (%s)", d.Desired, d.Reason)
	}
	// A busy worker's unacknowledged message keeps it: backlog 1 > 0.
	if d := decide(t, spec, group(0, 10, 1, 1, 0), one("q", 1)); d.Desired != 1 {
		t.Errorf("one unacked message: Desired = %d; want 1 (%s)", d.Desired, d.Reason)
	}
	act := raw(&Backlog{Metric: "q", PerInstance: 100, Activation: 5})
	if d := decide(t, act, group(0, 10, 0, 0, 0), one("q", 5)); d.Desired != 0 {
		t.Errorf("at activation: Desired = %d; want 0 (%s)", d.Desired, d.Reason)
	}
}

func TestFallbackNeverBelowOtherMetrics(t *testing.T) {
	spec := raw(&TargetTracking{Metric: "cpu", Target: 50}, &Backlog{Metric: "q", PerInstance: 10})
	spec.Fallback = 6
	down := map[string]Reading{"cpu": {Value: 50}, "q": {Err: errors.New("management API down")}}
	if d := decide(t, spec, group(1, 20, 4, 4, 0), down); d.Desired != 6 || !strings.Contains(d.Reason, "fallback 6") {
		t.Errorf("queue down: Desired = %d; want fallback 6 (%s)", d.Desired, d.Reason)
	}
	down["cpu"] = Reading{Value: 150}
	if d := decide(t, spec, group(1, 20, 4, 4, 0), down); d.Desired != 12 {
		t.Errorf("queue down, cpu 3× target: Desired = %d; want 12 (%s)", d.Desired, d.Reason)
	}
	down["cpu"] = Reading{Value: 5}
	if d := decide(t, spec, group(1, 20, 10, 10, 0), down); d.Desired != 10 {
		t.Errorf("queue down, cpu idle, above fallback: Desired = %d; want 10, no scale-in (%s)", d.Desired, d.Reason)
	}
}

func TestGuards(t *testing.T) {
	cpu := &TargetTracking{Metric: "cpu", Target: 50}
	e, err := NewEngine(Spec{Policies: []Policy{cpu}})
	if err != nil {
		t.Fatal(err)
	}
	st := group(1, 20, 10, 10, 0)
	// Restart: the history began 2 minutes ago, the scale-in window is 5.
	d := e.Decide(Input{Now: t0, State: st, Metrics: one("cpu", 10), History: &History{Since: t0.Add(-2 * time.Minute)}})
	if d.Desired != 10 || !strings.Contains(d.Reason, "not yet observed") {
		t.Errorf("after restart: Desired = %d; want 10 (%s)", d.Desired, d.Reason)
	}
	if d := e.Decide(Input{Now: t0, State: st, Metrics: one("cpu", 10)}); d.Desired != 10 {
		t.Errorf("nil history: Desired = %d; want 10 (%s)", d.Desired, d.Reason)
	}
	// Scale-out in progress: no scale-in.
	if d := decide(t, raw(cpu), group(1, 20, 10, 8, 2), one("cpu", 10)); d.Desired != 10 || !strings.Contains(d.Reason, "starting") {
		t.Errorf("while starting: Desired = %d; want 10 (%s)", d.Desired, d.Reason)
	}
	// Protected instances bound scale-in.
	pst := group(1, 20, 10, 10, 0)
	for i := 0; i < 7; i++ {
		pst.Instances[i].Protected = true
	}
	if d := decide(t, raw(cpu), pst, one("cpu", 10)); d.Desired != 7 || !strings.Contains(d.Reason, "protected") {
		t.Errorf("7 protected: Desired = %d; want 7 (%s)", d.Desired, d.Reason)
	}
	// Pause per direction; Min and Max still clamp.
	s := raw(cpu)
	s.PauseScaleOut, s.PauseScaleIn = true, true
	if d := decide(t, s, st, one("cpu", 100)); d.Desired != 10 {
		t.Errorf("paused out: Desired = %d; want 10 (%s)", d.Desired, d.Reason)
	}
	if d := decide(t, s, st, one("cpu", 10)); d.Desired != 10 {
		t.Errorf("paused in: Desired = %d; want 10 (%s)", d.Desired, d.Reason)
	}
	if d := decide(t, s, group(12, 20, 10, 10, 0), one("cpu", 50)); d.Desired != 12 {
		t.Errorf("paused below Min: Desired = %d; want 12 (%s)", d.Desired, d.Reason)
	}
	if d := decide(t, raw(cpu), st, one("cpu", 500)); d.Desired != 20 || !strings.Contains(d.Reason, "clamped") && d.Recommended != 20 {
		t.Errorf("above Max: Desired = %d; want 20 (%s)", d.Desired, d.Reason)
	}
	// Dry run decides but says so.
	s = raw(cpu)
	s.DryRun = true
	if d := decide(t, s, st, one("cpu", 100)); d.Desired != 20 || !d.DryRun || !strings.HasPrefix(d.Reason, "dry run: ") {
		t.Errorf("dry run: %+v", d)
	}
}

func TestInvalidSpec(t *testing.T) {
	bad := []Spec{
		{Policies: []Policy{&TargetTracking{Metric: "cpu"}}},
		{Policies: []Policy{&TargetTracking{Target: 1}}},
		{Policies: []Policy{&TargetTracking{Metric: "cpu", Target: 1, Tolerance: Tolerance{Out: 1.5}}}},
		{Policies: []Policy{&Backlog{Metric: "q"}}},
		{Policies: []Policy{&TargetTracking{Metric: "cpu", Target: 1}, &TargetTracking{Metric: "cpu", Target: 2}}},
		{Policies: []Policy{nil}},
		{ScaleIn: &Rules{Window: 2 * time.Hour}},
		{ScaleOut: &Rules{Limits: []Limit{{Value: 0, Period: time.Minute}}}},
		{ScaleOut: &Rules{Limits: []Limit{{Value: 1, Period: time.Hour}}}},
		{Fallback: -1},
		{Schedules: []Schedule{{Cron: "* * * * *"}}},
		{Schedules: []Schedule{{Cron: "* * * * *", Min: Int(5), Max: Int(2)}}},
	}
	for i, s := range bad {
		_, err := NewEngine(s)
		var ie *InvalidError
		if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "scaling: invalid ") {
			t.Errorf("spec %d: error %v; want a *InvalidError", i, err)
		}
	}
}
