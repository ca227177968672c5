package scaling

import (
	"fmt"
	"math"
	"sort"
)

// StepScaling is AWS's step scaling: a breach threshold and steps whose
// bounds are relative to it. Above the threshold a step's lower bound is
// inclusive and its upper bound exclusive; below it the reverse. The steps
// may leave no gap and overlap nowhere, as AWS requires; a metric in no step
// abstains (the alarm is not breached), so a scale-out policy and a
// scale-in policy on one metric act independently. Use math.Inf(-1) and
// math.Inf(1) for open ends.
//
// Positive adjustments count from the instances in service, so instances
// warming up from an earlier step are not added twice (desired 11 while 10
// are in service: +30% adds 2, not 3); negative ones count from the
// desired capacity.
type StepScaling struct {
	// Name names the policy; empty uses "step <Metric>".
	Name string
	// Metric is the key in Input.Metrics.
	Metric string
	// Threshold is the alarm's breach threshold.
	Threshold float64
	// Steps map the metric's distance from Threshold to an adjustment.
	Steps []Step
	// Adjustment says how Step.Adjustment is read.
	Adjustment AdjustmentType
	// MinAdjustmentMagnitude is the least number of instances a
	// PercentChangeInCapacity step moves; only with that type.
	MinAdjustmentMagnitude int
}

// Step is one step adjustment.
type Step struct {
	// Lower and Upper bound the metric minus the threshold.
	Lower, Upper float64
	// Adjustment is instances, a percentage, or an exact capacity.
	Adjustment int
}

// AdjustmentType is how a step's adjustment is applied.
type AdjustmentType int

// Adjustment types, as in AWS.
const (
	// ChangeInCapacity adds or removes Adjustment instances.
	ChangeInCapacity AdjustmentType = iota
	// ExactCapacity sets the capacity to Adjustment (not negative).
	ExactCapacity
	// PercentChangeInCapacity changes capacity by Adjustment percent:
	// results above 1 round down, between 0 and 1 become 1, between -1 and
	// 0 become -1, below -1 round up (toward zero).
	PercentChangeInCapacity
)

// String returns AWS's name for the type.
func (a AdjustmentType) String() string {
	switch a {
	case ChangeInCapacity:
		return "ChangeInCapacity"
	case ExactCapacity:
		return "ExactCapacity"
	case PercentChangeInCapacity:
		return "PercentChangeInCapacity"
	}
	return "unknown"
}

// PolicyName implements Policy.
func (p *StepScaling) PolicyName() string {
	if p.Name != "" {
		return p.Name
	}
	return "step " + p.Metric
}

func (p *StepScaling) validate(input string) error {
	if p.Metric == "" {
		return invalid(input, "Metric", "empty")
	}
	if len(p.Steps) == 0 {
		return invalid(input, "Steps", "none")
	}
	if p.Adjustment < ChangeInCapacity || p.Adjustment > PercentChangeInCapacity {
		return invalid(input, "Adjustment", "unknown type %d", p.Adjustment)
	}
	if p.MinAdjustmentMagnitude < 0 || (p.MinAdjustmentMagnitude > 0 && p.Adjustment != PercentChangeInCapacity) {
		return invalid(input, "MinAdjustmentMagnitude", "only with PercentChangeInCapacity, and not negative")
	}
	steps := append([]Step(nil), p.Steps...)
	sort.Slice(steps, func(i, j int) bool { return steps[i].Lower < steps[j].Lower })
	for i, s := range steps {
		if math.IsNaN(s.Lower) || math.IsNaN(s.Upper) || !(s.Lower < s.Upper) {
			return invalid(input, "Steps", "step [%v, %v): lower bound must be below upper bound", s.Lower, s.Upper)
		}
		if math.IsInf(s.Lower, -1) && math.IsInf(s.Upper, 1) {
			return invalid(input, "Steps", "a step cannot be open at both ends")
		}
		if p.Adjustment == ExactCapacity && s.Adjustment < 0 {
			return invalid(input, "Steps", "step [%v, %v): exact capacity %d is negative", s.Lower, s.Upper, s.Adjustment)
		}
		if i > 0 {
			prev := steps[i-1]
			if prev.Upper > s.Lower {
				return invalid(input, "Steps", "steps [%v, %v) and [%v, %v) overlap", prev.Lower, prev.Upper, s.Lower, s.Upper)
			}
			if prev.Upper < s.Lower {
				return invalid(input, "Steps", "gap between %v and %v", prev.Upper, s.Lower)
			}
		}
	}
	first, last := steps[0], steps[len(steps)-1]
	if first.Lower < 0 && !math.IsInf(first.Lower, -1) {
		return invalid(input, "Steps", "a negative lower bound needs a step open below (math.Inf(-1))")
	}
	if last.Upper > 0 && !math.IsInf(last.Upper, 1) {
		return invalid(input, "Steps", "a positive upper bound needs a step open above (math.Inf(1))")
	}
	return nil
}

// contains reports whether d, the metric minus the threshold, is in s.
func (s Step) contains(d float64) bool {
	if d >= 0 {
		return s.Lower <= d && d < s.Upper
	}
	return s.Lower < d && d <= s.Upper
}

// roundPercent applies AWS's rounding of a PercentChangeInCapacity result.
func roundPercent(x float64) int {
	switch {
	case x >= 1:
		return int(math.Floor(x))
	case x > 0:
		return 1
	case x == 0:
		return 0
	case x > -1:
		return -1
	}
	return int(math.Ceil(x))
}

func (p *StepScaling) recommend(v *view) PolicyResult {
	name := p.PolicyName()
	r, ok := v.reading(p.Metric)
	if !ok {
		return missing(name, p.Metric, v)
	}
	res := PolicyResult{Policy: name, Metric: p.Metric, Value: r.Value}
	d := r.Value - p.Threshold
	var step *Step
	for i := range p.Steps {
		if p.Steps[i].contains(d) {
			step = &p.Steps[i]
			break
		}
	}
	if step == nil {
		res = hold(res, v, "%s %.4g: no step for threshold %.4g%+.4g", p.Metric, r.Value, p.Threshold, d)
		res.Abstain = true
		return res
	}
	where := fmt.Sprintf("%s %.4g in step [%+g, %+g) of threshold %.4g", p.Metric, r.Value, step.Lower, step.Upper, p.Threshold)
	if p.Adjustment == ExactCapacity {
		res.Recommends = step.Adjustment
		res.Reason = fmt.Sprintf("%s: exact capacity %d", where, step.Adjustment)
		return res
	}
	base := v.desired
	if step.Adjustment > 0 {
		base = v.ready
	}
	n := step.Adjustment
	if p.Adjustment == PercentChangeInCapacity {
		n = roundPercent(float64(base) * float64(step.Adjustment) / 100)
		if m := p.MinAdjustmentMagnitude; m > 0 && n != 0 && abs(n) < m {
			n = m * sign(n)
		}
	}
	want := max(base+n, 0)
	switch {
	case n > 0 && want <= v.desired:
		return hold(res, v, "%s: %d in service %+d is %d; %d already desired (warming up)", where, base, n, want, v.desired)
	case n == 0:
		return hold(res, v, "%s: adjustment 0", where)
	}
	res.Recommends = want
	res.Reason = fmt.Sprintf("%s: %d %+d = %d", where, base, n, want)
	return res
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func sign(n int) int {
	if n < 0 {
		return -1
	}
	return 1
}
