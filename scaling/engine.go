package scaling

import (
	"fmt"
	"strings"
	"time"
)

// Spec is how one group scales: its policies, per-direction behaviour,
// scheduled actions and switches. Min and Max come from the group itself
// (and scheduled actions).
type Spec struct {
	// Policies recommend capacities; the largest wins.
	Policies []Policy
	// ScaleOut and ScaleIn are each direction's window and rate limits;
	// nil means DefaultScaleOut() and DefaultScaleIn().
	ScaleOut, ScaleIn *Rules
	// Schedules move Min, Max and Desired at set times.
	Schedules []Schedule
	// Fallback is the capacity a policy asks for when its metric fails
	// (zero: hold the current one). It never lowers capacity, and never
	// wins over a higher recommendation from the other policies.
	Fallback int
	// DryRun marks every decision as not to be applied.
	DryRun bool
	// PauseScaleOut and PauseScaleIn stop one direction; Min and Max
	// still clamp.
	PauseScaleOut, PauseScaleIn bool
}

// Engine decides capacities for one Spec. It is pure: no I/O, no clock,
// the same Input gives the same Decision. It is safe for concurrent use.
type Engine struct {
	spec      Spec
	out, in   *Rules
	schedules []Schedule
}

// NewEngine validates spec and returns an engine for it; an invalid spec
// is an *InvalidError naming the policy or field.
func NewEngine(spec Spec) (*Engine, error) {
	e := &Engine{spec: spec, out: spec.ScaleOut, in: spec.ScaleIn}
	if e.out == nil {
		e.out = DefaultScaleOut()
	}
	if e.in == nil {
		e.in = DefaultScaleIn()
	}
	if err := e.out.validate("ScaleOut"); err != nil {
		return nil, err
	}
	if err := e.in.validate("ScaleIn"); err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for i, p := range spec.Policies {
		if p == nil {
			return nil, invalid(fmt.Sprintf("policy #%d", i+1), "", "nil")
		}
		in := fmt.Sprintf("policy #%d %q", i+1, p.PolicyName())
		if err := p.validate(in); err != nil {
			return nil, err
		}
		if names[p.PolicyName()] {
			return nil, invalid(in, "Name", "duplicate policy name")
		}
		names[p.PolicyName()] = true
	}
	if spec.Fallback < 0 {
		return nil, invalid("spec", "Fallback", "negative capacity %d", spec.Fallback)
	}
	e.schedules = append([]Schedule(nil), spec.Schedules...)
	for i := range e.schedules {
		if err := e.schedules[i].validate(fmt.Sprintf("schedule #%d %q", i+1, e.schedules[i].Name)); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Input is what one decision is made from.
type Input struct {
	// Now is the decision's time.
	Now time.Time
	// State is the group as just read.
	State GroupState
	// Metrics are the readings by metric name.
	Metrics map[string]Reading
	// History is the group's past decisions; nil is an empty history.
	History *History
}

// Decide returns the capacity the group should have now and why.
//
// In order: scheduled actions set the bounds; each policy recommends
// (missing data holds, or asks for Spec.Fallback); the largest
// recommendation wins, clamped to the bounds; a scale-out takes the lowest
// recommendation over its window, a scale-in the highest over its own;
// rate limits cap the change; scale-in waits while instances are starting,
// until a whole scale-in window has been observed, and never goes below
// the protected instances; pauses stop a direction; Min and Max clamp last.
func (e *Engine) Decide(in Input) Decision {
	st := in.State
	d := Decision{At: in.Now, Current: st.Desired, Min: st.Min, Max: st.Max, DryRun: e.spec.DryRun}
	var protected int
	d.Ready, d.Starting, d.Terminating, protected = st.Counts()
	h := in.History

	// Scheduled actions: the latest one to fire sets the bounds.
	var fired *Schedule
	var firedAt time.Time
	for i := range e.schedules {
		s := &e.schedules[i]
		if at, ok := s.last(in.Now); ok && (fired == nil || at.After(firedAt)) {
			fired, firedAt = s, at
		}
	}
	if fired != nil {
		d.Schedule = fired.Name
		if fired.Min != nil {
			d.Min = *fired.Min
		}
		if fired.Max != nil {
			d.Max = *fired.Max
		}
		d.Max = max(d.Max, d.Min)
	}

	v := view{desired: st.Desired, ready: d.Ready, starting: d.Starting, metrics: in.Metrics}
	rec, why := st.Desired, "no policy asks for a change"
	anyMissing := false
	d.Policies = make([]PolicyResult, 0, len(e.spec.Policies))
	for _, p := range e.spec.Policies {
		r := p.recommend(&v)
		if r.Missing {
			anyMissing = true
			if fb := e.spec.Fallback; fb > r.Recommends {
				r.Recommends = fb
				r.Reason += fmt.Sprintf("; fallback %d", fb)
			}
		}
		d.Policies = append(d.Policies, r)
	}
	voted := false
	for _, r := range d.Policies {
		if !r.Abstain && (!voted || r.Recommends > rec) {
			rec, why, voted = r.Recommends, fmt.Sprintf("%s: %s", r.Policy, r.Reason), true
		}
	}
	if !voted && len(d.Policies) > 0 {
		why = d.Policies[0].Policy + ": " + d.Policies[0].Reason
	}
	scheduled := fired != nil && fired.Desired != nil && (h == nil || firedAt.After(h.Last))
	if scheduled {
		rec, why = *fired.Desired, fmt.Sprintf("scheduled action %q sets %d", fired.Name, *fired.Desired)
	}
	if c := clamp(rec, d.Min, d.Max); c != rec {
		why += fmt.Sprintf(" (clamped to [%d, %d])", d.Min, d.Max)
		rec = c
	}
	d.Recommended = rec
	n := rec

	if !scheduled {
		var notes []string
		if n > st.Desired {
			if s := h.stabilize(in.Now, e.out.Window, n, true); s < n {
				n = max(s, st.Desired)
				notes = append(notes, fmt.Sprintf("scale-out window %v holds %d", e.out.Window, n))
			}
			if l := e.out.limitOut(in.Now, st.Desired, h); n > l {
				n = l
				notes = append(notes, fmt.Sprintf("scale-out limited to %d", l))
			}
			if e.spec.PauseScaleOut {
				n = st.Desired
				notes = append(notes, "scale-out paused")
			}
		} else if n < st.Desired {
			if s := h.stabilize(in.Now, e.in.Window, n, false); s > n {
				n = min(s, st.Desired)
				notes = append(notes, fmt.Sprintf("scale-in window %v holds %d", e.in.Window, n))
			}
			if l := e.in.limitIn(in.Now, st.Desired, h); n < l {
				n = l
				notes = append(notes, fmt.Sprintf("scale-in limited to %d", l))
			}
			switch {
			case n >= st.Desired:
			case anyMissing:
				n = st.Desired
				notes = append(notes, "a metric is missing: no scale-in")
			case d.Starting > 0:
				n = st.Desired
				notes = append(notes, fmt.Sprintf("%d instances starting: no scale-in during a scale-out", d.Starting))
			case h == nil || h.Since.IsZero() || in.Now.Sub(h.Since) < e.in.Window:
				n = st.Desired
				notes = append(notes, fmt.Sprintf("a whole scale-in window (%v) not yet observed", e.in.Window))
			case e.spec.PauseScaleIn:
				n = st.Desired
				notes = append(notes, "scale-in paused")
			case n < protected:
				n = min(protected, st.Desired)
				notes = append(notes, fmt.Sprintf("%d instances protected from scale-in", protected))
			}
		}
		if len(notes) > 0 {
			why += " (" + strings.Join(notes, "; ") + ")"
		}
	}
	if c := clamp(n, d.Min, d.Max); c != n {
		why += fmt.Sprintf(" (clamped to [%d, %d])", d.Min, d.Max)
		n = c
	}
	d.Desired = n
	switch {
	case n > st.Desired:
		d.Direction = Out
		d.Reason = fmt.Sprintf("scale out from %d to %d: %s", st.Desired, n, why)
	case n < st.Desired:
		d.Direction = In
		d.Reason = fmt.Sprintf("scale in from %d to %d: %s", st.Desired, n, why)
	default:
		d.Reason = fmt.Sprintf("hold at %d: %s", n, why)
	}
	if d.DryRun {
		d.Reason = "dry run: " + d.Reason
	}
	return d
}

func clamp(n, lo, hi int) int {
	return max(lo, min(n, hi))
}
