package scaling

import "fmt"

// TargetTracking keeps a per-instance metric (average CPU percent, network
// bytes per second per instance) at a target:
// desired = ceil(in-service × metric / target), outside a dead band.
// Instances warming up are excluded from the metric and from the capacity
// when scaling out, so a scale-out already on its way is not repeated;
// rounding is up in both directions, so scale-out is generous and scale-in
// conservative.
type TargetTracking struct {
	// Name names the policy; empty uses "target-tracking <Metric>".
	Name string
	// Metric is the key in Input.Metrics.
	Metric string
	// Target is the value to hold per in-service instance; must be > 0.
	Target float64
	// Tolerance is the dead band; zero means 10% each way.
	Tolerance Tolerance
	// Headroom is the fraction of the target a scale-out leaves free: it
	// aims at Target × (1 − Headroom) rather than at Target, so a rising
	// load is met in fewer, larger steps. Zero aims at the target, as AWS
	// and HPA do; at most 0.5.
	Headroom float64
	// DisableScaleIn keeps the policy from ever asking to scale in.
	DisableScaleIn bool
}

// PolicyName implements Policy.
func (p *TargetTracking) PolicyName() string {
	if p.Name != "" {
		return p.Name
	}
	return "target-tracking " + p.Metric
}

func (p *TargetTracking) validate(input string) error {
	if p.Metric == "" {
		return invalid(input, "Metric", "empty")
	}
	if !(p.Target > 0) {
		return invalid(input, "Target", "%v is not above zero", p.Target)
	}
	if p.Headroom < 0 || p.Headroom > 0.5 {
		return invalid(input, "Headroom", "%v is outside [0, 0.5]", p.Headroom)
	}
	return p.Tolerance.validate(input)
}

func (p *TargetTracking) recommend(v *view) PolicyResult {
	name := p.PolicyName()
	r, ok := v.reading(p.Metric)
	if !ok {
		return missing(name, p.Metric, v)
	}
	res := PolicyResult{Policy: name, Metric: p.Metric, Value: r.Value}
	if v.ready == 0 {
		return hold(res, v, "no instance in service to measure %s: hold", p.Metric)
	}
	what := fmt.Sprintf("%s %.4g (target %.4g)", p.Metric, r.Value, p.Target)
	return proportional(res, v, r.Value/p.Target, p.Tolerance, p.Headroom, p.DisableScaleIn, what)
}
