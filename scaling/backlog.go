package scaling

import (
	"fmt"
	"time"
)

// Backlog scales a pool of queue workers on the messages waiting for them.
// The metric is the queue's total backlog, ready plus unacknowledged
// messages, so a worker busy on a long job is never counted as idle; the
// target is the backlog one instance may hold, AcceptableLatency divided by
// ProcessingTime (10 s / 0.1 s = 100 messages per instance), and
// desired = ceil(backlog / target) outside the tolerance. At or below
// Activation the policy asks for zero instances, and above it from zero it
// asks for at least one: a group with Min 0 scales to and from zero.
type Backlog struct {
	// Name names the policy; empty uses "backlog <Metric>".
	Name string
	// Metric is the key in Input.Metrics: ready + unacknowledged messages.
	Metric string
	// PerInstance is the backlog one instance may hold. If zero it is
	// AcceptableLatency / ProcessingTime.
	PerInstance float64
	// AcceptableLatency is how long a message may wait.
	AcceptableLatency time.Duration
	// ProcessingTime is the average time one instance takes per message.
	ProcessingTime time.Duration
	// Activation is the backlog at or below which no instance is needed.
	Activation float64
	// Tolerance is the dead band; zero means 10% each way.
	Tolerance Tolerance
	// Headroom is the fraction of the target a scale-out leaves free: it
	// aims at Target × (1 − Headroom) rather than at Target, so a rising
	// load is met in fewer, larger steps. Zero aims at the target, as AWS
	// and HPA do; at most 0.5.
	Headroom float64
}

// PolicyName implements Policy.
func (p *Backlog) PolicyName() string {
	if p.Name != "" {
		return p.Name
	}
	return "backlog " + p.Metric
}

func (p *Backlog) target() float64 {
	if p.PerInstance > 0 {
		return p.PerInstance
	}
	if p.ProcessingTime <= 0 {
		return 0
	}
	return float64(p.AcceptableLatency) / float64(p.ProcessingTime)
}

func (p *Backlog) validate(input string) error {
	if p.Metric == "" {
		return invalid(input, "Metric", "empty")
	}
	if p.PerInstance < 0 || p.Activation < 0 {
		return invalid(input, "PerInstance", "negative")
	}
	if !(p.target() > 0) {
		return invalid(input, "PerInstance", "set PerInstance, or AcceptableLatency and ProcessingTime, above zero")
	}
	if p.Headroom < 0 || p.Headroom > 0.5 {
		return invalid(input, "Headroom", "%v is outside [0, 0.5]", p.Headroom)
	}
	return p.Tolerance.validate(input)
}

func (p *Backlog) recommend(v *view) PolicyResult {
	name := p.PolicyName()
	r, ok := v.reading(p.Metric)
	if !ok {
		return missing(name, p.Metric, v)
	}
	res := PolicyResult{Policy: name, Metric: p.Metric, Value: r.Value}
	t := p.target()
	if r.Value <= p.Activation {
		if v.desired == 0 {
			return hold(res, v, "backlog %.4g at or below activation %.4g: stay at zero", r.Value, p.Activation)
		}
		res.Reason = fmt.Sprintf("backlog %.4g at or below activation %.4g: no instance needed", r.Value, p.Activation)
		return res
	}
	if v.ready == 0 {
		n := max(1, ceilCap(r.Value/t))
		if n <= v.desired {
			return hold(res, v, "backlog %.4g above activation; %d desired already starting", r.Value, v.desired)
		}
		res.Recommends = n
		res.Reason = fmt.Sprintf("backlog %.4g above activation %.4g with none in service: %d", r.Value, p.Activation, n)
		return res
	}
	what := fmt.Sprintf("backlog per instance %.4g (target %.4g)", r.Value/float64(v.ready), t)
	return proportional(res, v, r.Value/(float64(v.ready)*t), p.Tolerance, p.Headroom, false, what)
}
