package scaling

import (
	"math"
	"time"
)

// Rules are one direction's stabilization window and rate limits, HPA's
// behaviour model. A scale-out takes the lowest recommendation over its
// window, a scale-in the highest over its own; then the change is limited
// per period by Limits, combined by Select.
type Rules struct {
	// Window is the stabilization window; zero means none. At most an hour.
	Window time.Duration
	// Limits cap the change per period; none means unlimited.
	Limits []Limit
	// Select picks among Limits: SelectMax (the largest change, the zero
	// value), SelectMin, or SelectDisabled (no change in this direction).
	Select Select
}

// Limit caps how much capacity may change within Period.
type Limit struct {
	// Percent is true for a percentage of the capacity at the period's
	// start, false for a number of instances.
	Percent bool
	// Value is the number of instances or the percentage; must be > 0.
	Value int
	// Period is the sliding window the limit applies to, up to 30 minutes.
	Period time.Duration
}

// Select says how several Limits combine.
type Select int

// Select values.
const (
	// SelectMax allows the largest change any limit allows.
	SelectMax Select = iota
	// SelectMin allows the smallest change any limit allows.
	SelectMin
	// SelectDisabled allows no change in this direction.
	SelectDisabled
)

// DefaultScaleOut is what a nil Spec.ScaleOut stands for: act at once,
// without a rate limit, as AWS does; instances warming up already count
// toward the desired capacity, so a scale-out is not repeated while they
// start.
func DefaultScaleOut() *Rules {
	return &Rules{}
}

// DefaultScaleIn is what a nil Spec.ScaleIn stands for: scale in to the
// highest recommendation of the last 5 minutes (HPA's default window).
func DefaultScaleIn() *Rules {
	return &Rules{Window: 5 * time.Minute}
}

// maxKeep bounds the history the rules may need.
const (
	maxWindow = time.Hour
	maxPeriod = 30 * time.Minute
)

func (r *Rules) validate(input string) error {
	if r.Window < 0 || r.Window > maxWindow {
		return invalid(input, "Window", "%v is outside [0, %v]", r.Window, maxWindow)
	}
	if r.Select < SelectMax || r.Select > SelectDisabled {
		return invalid(input, "Select", "unknown value %d", r.Select)
	}
	for _, l := range r.Limits {
		if l.Value <= 0 {
			return invalid(input, "Limits", "value %d is not above zero", l.Value)
		}
		if l.Period <= 0 || l.Period > maxPeriod {
			return invalid(input, "Limits", "period %v is outside (0, %v]", l.Period, maxPeriod)
		}
	}
	return nil
}

// limitOut returns the highest capacity a scale-out from current may reach.
// As HPA does, a period starts from the capacity before every change made
// within it, in either direction.
func (r *Rules) limitOut(now time.Time, current int, h *History) int {
	if r.Select == SelectDisabled {
		return current
	}
	if len(r.Limits) == 0 {
		return math.MaxInt
	}
	best := -1
	for i, l := range r.Limits {
		start := current - h.changed(now, l.Period)
		var lim int
		if l.Percent {
			lim = int(math.Ceil(float64(start) * (1 + float64(l.Value)/100)))
		} else {
			lim = start + l.Value
		}
		if i == 0 || (r.Select == SelectMax && lim > best) || (r.Select == SelectMin && lim < best) {
			best = lim
		}
	}
	return max(best, current)
}

// limitIn returns the lowest capacity a scale-in from current may reach.
func (r *Rules) limitIn(now time.Time, current int, h *History) int {
	if r.Select == SelectDisabled {
		return current
	}
	if len(r.Limits) == 0 {
		return 0
	}
	best := 0
	for i, l := range r.Limits {
		start := current - h.changed(now, l.Period)
		var lim int
		if l.Percent {
			lim = int(math.Ceil(float64(start) * (1 - float64(l.Value)/100)))
		} else {
			lim = start - l.Value
		}
		if i == 0 || (r.Select == SelectMax && lim < best) || (r.Select == SelectMin && lim > best) {
			best = lim
		}
	}
	return min(max(best, 0), current)
}
