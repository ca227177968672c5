package scaling

import (
	"fmt"
	"math"
)

// Policy is one scaling policy of a group: *TargetTracking, *StepScaling or
// *Backlog. The set is closed; the engine combines several policies by
// taking the largest recommendation, so a group scales out when any policy
// asks and scales in only when all agree.
type Policy interface {
	// PolicyName names the policy in decisions and errors.
	PolicyName() string
	validate(input string) error
	recommend(v *view) PolicyResult
}

// Reading is one metric value handed to the engine. A reading with Err set,
// or a metric absent from Input.Metrics, is missing data: it never scales in.
type Reading struct {
	// Value is the metric's value: an average over in-service instances for
	// per-instance metrics (CPU, network), a total for backlog.
	Value float64
	// Err is why the metric could not be read.
	Err error
}

// PolicyResult is what one policy recommended and why.
type PolicyResult struct {
	// Policy is the policy's name.
	Policy string
	// Metric is the metric the policy read.
	Metric string
	// Value is the metric's value (zero when Missing).
	Value float64
	// Missing is true when the metric had no data.
	Missing bool
	// Recommends is the capacity the policy asks for.
	Recommends int
	// Reason explains the recommendation.
	Reason string
	// Abstain is true when the policy does not vote: a step policy whose
	// metric is in none of its steps (its alarm is not breached).
	Abstain bool
}

// view is what a policy sees of the group.
type view struct {
	desired  int
	ready    int
	starting int
	metrics  map[string]Reading
}

func (v *view) reading(metric string) (Reading, bool) {
	r, ok := v.metrics[metric]
	if !ok || r.Err != nil || math.IsNaN(r.Value) {
		return r, false
	}
	return r, true
}

func missing(name, metric string, v *view) PolicyResult {
	r := v.metrics[metric]
	why := "no data"
	if r.Err != nil {
		why = r.Err.Error()
	}
	return PolicyResult{Policy: name, Metric: metric, Missing: true, Recommends: v.desired,
		Reason: fmt.Sprintf("metric %s missing (%s): hold", metric, why)}
}

func hold(res PolicyResult, v *view, format string, args ...any) PolicyResult {
	res.Recommends = v.desired
	res.Reason = fmt.Sprintf(format, args...)
	return res
}

// ceilCap is ceil with a margin for floating-point noise (10 × 1.1 is
// 11.000000000000002, which must stay 11).
func ceilCap(x float64) int {
	return int(math.Ceil(x - 1e-9))
}

// Tolerance is a dead band around a target, as a fraction of it, per
// direction. Zero means the default 0.1 (10%); a negative value means none.
type Tolerance struct {
	// Out is how far above the target the metric must be to scale out.
	Out float64
	// In is how far below the target the metric must be to scale in.
	In float64
}

// DefaultTolerance is the dead band a zero Tolerance stands for.
const DefaultTolerance = 0.1

// NoTolerance in a Tolerance field means no dead band in that direction:
// any excess over the target scales out (AWS's high alarm does this).
const NoTolerance = -1.0

func (t Tolerance) resolve() (out, in float64) {
	f := func(x float64) float64 {
		if x == 0 {
			return DefaultTolerance
		}
		return math.Max(x, 0)
	}
	return f(t.Out), f(t.In)
}

func (t Tolerance) validate(input string) error {
	if t.Out >= 1 || t.In >= 1 {
		return invalid(input, "Tolerance", "must be below 1 (a fraction of the target)")
	}
	return nil
}

// proportional applies the target-tracking rule to a ratio of metric to
// target over the in-service capacity.
func proportional(res PolicyResult, v *view, ratio float64, tol Tolerance, headroom float64, noIn bool, what string) PolicyResult {
	out, in := tol.resolve()
	switch {
	case ratio > 1+out:
		n := ceilCap(float64(v.ready) * ratio / (1 - headroom))
		if n <= v.desired {
			return hold(res, v, "%s %.3g× target over %d in service asks %d; %d already desired (warming up)", what, ratio, v.ready, n, v.desired)
		}
		res.Recommends = n
		res.Reason = fmt.Sprintf("%s %.3g× target over %d in service: %d", what, ratio, v.ready, n)
	case ratio < 1-in:
		if noIn {
			return hold(res, v, "%s %.3g× target: scale-in disabled", what, ratio)
		}
		n := ceilCap(float64(v.ready) * ratio)
		if n >= v.desired {
			return hold(res, v, "%s %.3g× target over %d in service asks %d: hold", what, ratio, v.ready, n)
		}
		res.Recommends = n
		res.Reason = fmt.Sprintf("%s %.3g× target over %d in service: %d", what, ratio, v.ready, n)
	default:
		return hold(res, v, "%s %.3g× target, within tolerance (+%g/-%g)", what, ratio, out, in)
	}
	return res
}
