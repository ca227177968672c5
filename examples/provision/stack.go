package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// step is one part of the service's infrastructure (security groups, the
// load balancer, ...), each made by an opskit package's provisioner. Plan
// reads only; Apply and Destroy return the changes they made, also when
// they fail part-way, so the report names what was done.
type step interface {
	Name() string
	Plan(ctx context.Context) ([]string, error)
	Apply(ctx context.Context) ([]string, error)
	Destroy(ctx context.Context) ([]string, error)
}

// verb is what a run does to every step.
type verb string

const (
	verbPlan    verb = "plan"
	verbApply   verb = "apply"
	verbDestroy verb = "destroy"
)

// outcome sums up one run.
type outcome struct {
	// Changes counts the changes planned or made.
	Changes int
	// Failed names each failed step with its error; Skipped the steps not
	// started after a failure or a signal.
	Failed, Skipped []string
}

// runSteps carries out v over the steps: in order for plan and apply (a failed
// apply stops there, since later steps build on earlier ones), in reverse
// for destroy (which carries on past a failure, to remove all it can). A
// signal stops before the next step; the step under way finishes its
// current call and reports what it did.
func runSteps(ctx context.Context, env *cli.Env, v verb, steps []step) (outcome, error) {
	var o outcome
	order := steps
	if v == verbDestroy {
		order = make([]step, len(steps))
		for i, s := range steps {
			order[len(steps)-1-i] = s
		}
	}
	bar := env.Progress(len(order), string(v))
	defer bar.Finish()
	for i, s := range order {
		if ctx.Err() != nil {
			for _, r := range order[i:] {
				o.Skipped = append(o.Skipped, r.Name())
			}
			break
		}
		var changes []string
		var err error
		switch v {
		case verbPlan:
			changes, err = s.Plan(ctx)
		case verbApply:
			changes, err = s.Apply(ctx)
		case verbDestroy:
			changes, err = s.Destroy(ctx)
		}
		o.Changes += len(changes)
		report(env, v, s.Name(), changes, err)
		bar.Add(1)
		if err == nil {
			continue
		}
		o.Failed = append(o.Failed, fmt.Sprintf("%s: %v", s.Name(), err))
		if v == verbDestroy && ctx.Err() == nil {
			continue
		}
		for _, r := range order[i+1:] {
			o.Skipped = append(o.Skipped, r.Name())
		}
		break
	}
	return o, o.err(ctx)
}

// err is the run's error: nil when every step succeeded, else a
// *cli.PartialError naming the failed and skipped steps.
func (o outcome) err(ctx context.Context) error {
	if len(o.Failed) == 0 && len(o.Skipped) == 0 {
		return nil
	}
	failed := append([]string(nil), o.Failed...)
	for _, s := range o.Skipped {
		failed = append(failed, s+": not started")
	}
	pe := &cli.PartialError{Failed: failed}
	if s := cli.Signal(ctx); s != nil {
		return fmt.Errorf("stopped by %s: %w", s, pe)
	}
	return pe
}

// report prints one step's result: a line per change, or that it is up
// to date.
func report(env *cli.Env, v verb, name string, changes []string, err error) {
	switch {
	case len(changes) == 0 && err == nil && v == verbDestroy:
		env.Printf("  %-22s nothing to remove\n", name)
	case len(changes) == 0 && err == nil:
		env.Printf("  %-22s up to date\n", name)
	}
	for _, c := range changes {
		env.Printf("  %-22s %s\n", name, c)
		env.Event("change", "verb", string(v), "step", name, "change", c)
	}
	if err != nil {
		status := "FAILED"
		if errors.Is(err, context.Canceled) {
			status = "INTERRUPTED"
		}
		env.Printf("  %-22s %s: %v\n", name, status, err)
		if v != verbPlan {
			env.Printf("  %-22s the changes above were made; others of this step may have been: plan shows what remains\n", name)
		}
		env.Event("failed", "verb", string(v), "step", name, "error", err.Error())
	}
}
