package scaling

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)

// group returns a state with desired capacity, ready in service and
// starting instances warming up.
func group(min, max, desired, ready, starting int) GroupState {
	g := GroupState{Min: min, Max: max, Desired: desired}
	for i := 0; i < ready; i++ {
		g.Instances = append(g.Instances, Instance{ID: "i-" + itoa(i), State: InService})
	}
	for i := 0; i < starting; i++ {
		g.Instances = append(g.Instances, Instance{ID: "s-" + itoa(i), State: WarmingUp})
	}
	return g
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// observed is a history long enough for any scale-in window.
func observed() *History { return &History{Since: t0.Add(-2 * time.Hour)} }

// raw turns off windows and limits, to read one policy's arithmetic.
func raw(policies ...Policy) Spec {
	return Spec{Policies: policies, ScaleOut: &Rules{}, ScaleIn: &Rules{}}
}

func decide(t *testing.T, spec Spec, st GroupState, metrics map[string]Reading) Decision {
	t.Helper()
	e, err := NewEngine(spec)
	if err != nil {
		t.Fatal(err)
	}
	return e.Decide(Input{Now: t0, State: st, Metrics: metrics, History: observed()})
}

func one(name string, v float64) map[string]Reading { return map[string]Reading{name: {Value: v}} }

var inf = math.Inf(1)

// awsStepOut and awsStepIn are the step policies of the AWS user guide's
// step scaling example: alarm thresholds 60 and 40, percent steps.
func awsStepOut() *StepScaling {
	return &StepScaling{Name: "out", Metric: "cpu", Threshold: 60, Adjustment: PercentChangeInCapacity,
		Steps: []Step{{0, 10, 0}, {10, 20, 10}, {20, inf, 30}}}
}

func awsStepIn() *StepScaling {
	return &StepScaling{Name: "in", Metric: "cpu", Threshold: 40, Adjustment: PercentChangeInCapacity,
		Steps: []Step{{-10, 0, -10}, {-inf, -10, -30}}}
}

func TestGoldenAWS(t *testing.T) {
	cases := []struct {
		name   string
		spec   Spec
		st     GroupState
		m      map[string]Reading
		want   int
		reason string
	}{
		// as-using-sqs-queue: 10 s / 0.1 s = 100 per instance; 1,500
		// messages on 10 instances scales out by 5.
		{"sqs backlog 1500 on 10", raw(&Backlog{Metric: "q", AcceptableLatency: 10 * time.Second, ProcessingTime: 100 * time.Millisecond}),
			group(1, 50, 10, 10, 0), one("q", 1500), 15, "backlog per instance 150"},
		// Step scaling example, capacity 10: 60-70 no change, 70-80 +10%
		// (1), 80+ +30% (3); 30-40 -10% (1), 30 and below -30% (3).
		{"step 65 no change", raw(awsStepOut(), awsStepIn()), group(1, 50, 10, 10, 0), one("cpu", 65), 10, "adjustment 0"},
		{"step 70 lower bound inclusive", raw(awsStepOut(), awsStepIn()), group(1, 50, 10, 10, 0), one("cpu", 70), 11, "10 +1 = 11"},
		{"step 75 +10%", raw(awsStepOut(), awsStepIn()), group(1, 50, 10, 10, 0), one("cpu", 75), 11, "10 +1 = 11"},
		{"step 85 +30%", raw(awsStepOut(), awsStepIn()), group(1, 50, 10, 10, 0), one("cpu", 85), 13, "10 +3 = 13"},
		{"step 35 -10%", raw(awsStepOut(), awsStepIn()), group(1, 50, 10, 10, 0), one("cpu", 35), 9, "10 -1 = 9"},
		{"step 30 upper bound inclusive below", raw(awsStepOut(), awsStepIn()), group(1, 50, 10, 10, 0), one("cpu", 30), 7, "10 -3 = 7"},
		{"step 25 -30%", raw(awsStepOut(), awsStepIn()), group(1, 50, 10, 10, 0), one("cpu", 25), 7, "10 -3 = 7"},
		{"step 50 between alarms", raw(awsStepOut(), awsStepIn()), group(1, 50, 10, 10, 0), one("cpu", 50), 10, "no step"},
		// Warm-up: desired already 11 with 10 in service, +30% of 10 adds 2.
		{"step during warm-up", raw(awsStepOut()), group(1, 50, 11, 10, 1), one("cpu", 85), 13, "10 +3 = 13"},
		// MinAdjustmentMagnitude: 25% of 4 is 1, raised to 2.
		{"25% of 4 with MinAdjustmentMagnitude 2", raw(&StepScaling{Metric: "cpu", Threshold: 50, Adjustment: PercentChangeInCapacity, MinAdjustmentMagnitude: 2,
			Steps: []Step{{0, inf, 25}}}), group(1, 50, 4, 4, 0), one("cpu", 90), 6, "4 +2 = 6"},
		// Rounding of PercentChangeInCapacity: 12.7 → 12, 0.67 → 1,
		// -0.58 → -1, -6.67 → -6.
		{"percent 12.7 rounds to 12", raw(&StepScaling{Metric: "cpu", Threshold: 50, Adjustment: PercentChangeInCapacity,
			Steps: []Step{{0, inf, 10}}}), group(1, 500, 127, 127, 0), one("cpu", 90), 139, "127 +12"},
		{"percent 0.67 rounds to 1", raw(&StepScaling{Metric: "cpu", Threshold: 50, Adjustment: PercentChangeInCapacity,
			Steps: []Step{{0, inf, 67}}}), group(1, 50, 1, 1, 0), one("cpu", 90), 2, "1 +1"},
		{"percent -0.58 rounds to -1", raw(&StepScaling{Metric: "cpu", Threshold: 50, Adjustment: PercentChangeInCapacity,
			Steps: []Step{{-inf, 0, -58}}}), group(0, 50, 1, 1, 0), one("cpu", 10), 0, "1 -1"},
		{"percent -6.67 rounds to -6", raw(&StepScaling{Metric: "cpu", Threshold: 50, Adjustment: PercentChangeInCapacity,
			Steps: []Step{{-inf, 0, -1}}}), group(0, 1000, 667, 667, 0), one("cpu", 10), 661, "667 -6"},
		{"exact capacity", raw(&StepScaling{Metric: "cpu", Threshold: 50, Adjustment: ExactCapacity,
			Steps: []Step{{0, inf, 8}}}), group(1, 50, 3, 3, 0), one("cpu", 90), 8, "exact capacity 8"},
		// Target tracking rounds conservatively: add 1.5 becomes 2,
		// remove 1.5 becomes 1.
		{"target tracking add 1.5 is 2", raw(&TargetTracking{Metric: "cpu", Target: 40}), group(1, 50, 10, 10, 0), one("cpu", 46), 12, ""},
		{"target tracking remove 1.5 is 1", raw(&TargetTracking{Metric: "cpu", Target: 40}), group(1, 50, 10, 10, 0), one("cpu", 34), 9, ""},
		{"target tracking within 10%", raw(&TargetTracking{Metric: "cpu", Target: 40}), group(1, 50, 10, 10, 0), one("cpu", 37), 10, "within tolerance"},
		// Warming instances excluded from the metric and capacity on scale-out.
		{"target tracking warm-up covers", raw(&TargetTracking{Metric: "cpu", Target: 50}), group(1, 50, 12, 10, 2), one("cpu", 60), 12, "already desired"},
		// Multiple policies: out if any asks, in only if all agree.
		{"out if any", raw(&TargetTracking{Metric: "cpu", Target: 50}, &TargetTracking{Metric: "net", Target: 1000}), group(1, 50, 10, 10, 0),
			map[string]Reading{"cpu": {Value: 20}, "net": {Value: 1500}}, 15, "target-tracking net"},
		{"in only if all agree", raw(&TargetTracking{Metric: "cpu", Target: 50}, &TargetTracking{Metric: "net", Target: 1000}), group(1, 50, 10, 10, 0),
			map[string]Reading{"cpu": {Value: 20}, "net": {Value: 1000}}, 10, "hold"},
		{"in when all agree, largest wins", raw(&TargetTracking{Metric: "cpu", Target: 50}, &TargetTracking{Metric: "net", Target: 1000}), group(1, 50, 10, 10, 0),
			map[string]Reading{"cpu": {Value: 20}, "net": {Value: 600}}, 6, "target-tracking net"},
		// Insufficient data means no scale-in.
		{"missing data never scales in", raw(&TargetTracking{Metric: "cpu", Target: 50}, &TargetTracking{Metric: "net", Target: 1000}), group(1, 50, 10, 10, 0),
			map[string]Reading{"cpu": {Value: 20}, "net": {Err: errors.New("timeout")}}, 10, "missing"},
		{"DisableScaleIn", raw(&TargetTracking{Metric: "cpu", Target: 50, DisableScaleIn: true}), group(1, 50, 10, 10, 0), one("cpu", 10), 10, "disabled"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(t, c.spec, c.st, c.m)
			if d.Desired != c.want {
				t.Errorf("Desired = %d; want %d (%s)", d.Desired, c.want, d.Reason)
			}
			if !strings.Contains(d.Reason, c.reason) {
				t.Errorf("Reason = %q; want it to contain %q", d.Reason, c.reason)
			}
		})
	}
}

func TestStepValidation(t *testing.T) {
	bad := [][]Step{
		{{0, 10, 1}},                             // positive upper bound, nothing open above
		{{0, 10, 1}, {20, inf, 2}},               // gap
		{{0, 20, 1}, {10, inf, 2}},               // overlap
		{{-10, 0, -1}},                           // negative lower bound, nothing open below
		{{-inf, inf, 1}},                         // open at both ends
		{{5, 5, 1}, {5, inf, 1}},                 // empty step
		{{-inf, -10, -3}, {-5, 0, -1}},           // gap below
		{{0, inf, 1}, {0, inf, 2}},               // duplicate
		{{-inf, 0, -1}, {0, 10, 1}, {9, inf, 2}}, // overlap above
	}
	for i, steps := range bad {
		_, err := NewEngine(Spec{Policies: []Policy{&StepScaling{Metric: "cpu", Steps: steps}}})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("case %d: NewEngine error = %v; want ErrInvalid", i, err)
		}
	}
	if _, err := NewEngine(Spec{Policies: []Policy{awsStepOut(), awsStepIn()}}); err != nil {
		t.Errorf("AWS example steps: %v", err)
	}
	_, err := NewEngine(Spec{Policies: []Policy{&StepScaling{Metric: "cpu", MinAdjustmentMagnitude: 2, Steps: []Step{{0, inf, 1}}}}})
	if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), "scaling: ") {
		t.Errorf("MinAdjustmentMagnitude with ChangeInCapacity: %v; want a scaling: ErrInvalid", err)
	}
}
