package scaling

import (
	"strings"
	"testing"
	"time"
)

// hpaDefaults are HPA's default behaviour: scale-up without a window, at
// most max(4 pods, 100%) per 15 s; scale-down over a 300 s window, at most
// 100% per 15 s.
func hpaDefaults(p ...Policy) Spec {
	return Spec{Policies: p,
		ScaleOut: &Rules{Limits: []Limit{{Value: 4, Period: 15 * time.Second}, {Percent: true, Value: 100, Period: 15 * time.Second}}},
		ScaleIn:  &Rules{Window: 300 * time.Second, Limits: []Limit{{Percent: true, Value: 100, Period: 15 * time.Second}}},
	}
}

func TestGoldenHPA(t *testing.T) {
	cpu := &TargetTracking{Metric: "cpu", Target: 100}
	t.Run("200m of 100m doubles", func(t *testing.T) {
		d := decide(t, hpaDefaults(cpu), group(1, 50, 3, 3, 0), one("cpu", 200))
		if d.Desired != 6 {
			t.Errorf("Desired = %d; want 6 (%s)", d.Desired, d.Reason)
		}
	})
	t.Run("50m of 100m halves", func(t *testing.T) {
		d := decide(t, hpaDefaults(cpu), group(1, 50, 6, 6, 0), one("cpu", 50))
		if d.Desired != 3 {
			t.Errorf("Desired = %d; want 3 (%s)", d.Desired, d.Reason)
		}
	})
	t.Run("tolerance 0.1 skips", func(t *testing.T) {
		for _, v := range []float64{91, 109, 110} {
			d := decide(t, hpaDefaults(cpu), group(1, 50, 10, 10, 0), one("cpu", v))
			if d.Desired != 10 {
				t.Errorf("cpu %v: Desired = %d; want 10 (%s)", v, d.Desired, d.Reason)
			}
		}
		d := decide(t, hpaDefaults(cpu), group(1, 50, 10, 10, 0), one("cpu", 111))
		if d.Desired != 12 {
			t.Errorf("cpu 111: Desired = %d; want 12 (%s)", d.Desired, d.Reason)
		}
	})
	t.Run("scale-up limit max(4 pods, 100%) per 15s", func(t *testing.T) {
		// From 1 pod at 10× the target: 100% allows 2, 4 pods allow 5.
		d := decide(t, hpaDefaults(cpu), group(1, 50, 1, 1, 0), one("cpu", 1000))
		if d.Desired != 5 {
			t.Errorf("from 1: Desired = %d; want 5 (%s)", d.Desired, d.Reason)
		}
		// From 10: 100% allows 20, more than 4 pods.
		d = decide(t, hpaDefaults(cpu), group(1, 50, 10, 10, 0), one("cpu", 1000))
		if d.Desired != 20 {
			t.Errorf("from 10: Desired = %d; want 20 (%s)", d.Desired, d.Reason)
		}
	})
	t.Run("scale-down window takes the highest recommendation", func(t *testing.T) {
		e, err := NewEngine(hpaDefaults(cpu))
		if err != nil {
			t.Fatal(err)
		}
		h := observed()
		st := group(1, 50, 10, 10, 0)
		// Recommendations 8 at -4 min, 6 at -2 min, 4 now: the window holds
		// 8 until it is 5 minutes old, then 6.
		for _, step := range []struct {
			at   time.Duration
			cpu  float64
			want int
		}{{-4 * time.Minute, 80, 8}, {-2 * time.Minute, 60, 8}, {0, 40, 8}} {
			d := e.Decide(Input{Now: t0.Add(step.at), State: st, Metrics: one("cpu", step.cpu), History: h})
			h.Record(d, false)
			if d.Desired != step.want {
				t.Errorf("at %v: Desired = %d; want %d (%s)", step.at, d.Desired, step.want, d.Reason)
			}
		}
		d := e.Decide(Input{Now: t0.Add(2 * time.Minute), State: st, Metrics: one("cpu", 40), History: h})
		if d.Desired != 6 || !strings.Contains(d.Reason, "scale-in window") {
			t.Errorf("after the 8 aged out: Desired = %d; want 6 (%s)", d.Desired, d.Reason)
		}
	})
	t.Run("policies Pods 4 and Percent 10 per 60s: 80 to 10", func(t *testing.T) {
		// The HPA documentation's example: with 80 replicas scaling down to
		// 10, the first step removes 8 (10% beats 4 pods). The next step,
		// from 72, removes 7: the controller computes ceil(72 × 0.9) = 65
		// (the documentation's prose says 7.2 "rounded up to 8"; the code,
		// which we follow, keeps 65).
		spec := hpaDefaults(cpu)
		spec.ScaleIn = &Rules{Limits: []Limit{{Value: 4, Period: time.Minute}, {Percent: true, Value: 10, Period: time.Minute}}}
		e, err := NewEngine(spec)
		if err != nil {
			t.Fatal(err)
		}
		h := observed()
		st := group(1, 100, 80, 80, 0)
		now := t0
		for _, want := range []int{72, 65, 59} {
			d := e.Decide(Input{Now: now, State: st, Metrics: one("cpu", 12.5), History: h})
			h.Record(d, true)
			if d.Desired != want {
				t.Fatalf("from %d: Desired = %d; want %d (%s)", st.Desired, d.Desired, want, d.Reason)
			}
			// Within the same period, nothing more may be removed.
			d2 := e.Decide(Input{Now: now.Add(30 * time.Second), State: group(1, 100, want, want, 0), Metrics: one("cpu", 12.5), History: h})
			if d2.Desired != want {
				t.Fatalf("same period: Desired = %d; want %d (%s)", d2.Desired, want, d2.Reason)
			}
			now = now.Add(time.Minute)
			st = group(1, 100, want, want, 0)
		}
	})
	t.Run("select Min and Disabled", func(t *testing.T) {
		spec := hpaDefaults(cpu)
		spec.ScaleOut.Select = SelectMin
		if d := decide(t, spec, group(1, 50, 1, 1, 0), one("cpu", 1000)); d.Desired != 2 {
			t.Errorf("SelectMin from 1: Desired = %d; want 2 (%s)", d.Desired, d.Reason)
		}
		spec.ScaleOut.Select = SelectDisabled
		if d := decide(t, spec, group(1, 50, 1, 1, 0), one("cpu", 1000)); d.Desired != 1 {
			t.Errorf("SelectDisabled: Desired = %d; want 1 (%s)", d.Desired, d.Reason)
		}
	})
	t.Run("multiple metrics: the max wins", func(t *testing.T) {
		mem := &TargetTracking{Metric: "mem", Target: 100}
		d := decide(t, hpaDefaults(cpu, mem), group(1, 50, 4, 4, 0), map[string]Reading{"cpu": {Value: 150}, "mem": {Value: 250}})
		if d.Desired != 8 {
			t.Errorf("Desired = %d; want 8 (the 4 pods limit from 4; %s)", d.Desired, d.Reason)
		}
	})
}
