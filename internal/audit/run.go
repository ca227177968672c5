package audit

import (
	"context"
	"errors"
	"fmt"
)

// Checker is a [Check] together with the function that evaluates it
// against a target of type T, such as a database connection or an SSH
// client. Packages keep their rules as a []Checker[T] and pass it to [Run].
type Checker[T any] struct {
	Check
	// Func inspects target and returns one finding per resource it looked
	// at, typically built with Check.Pass, Check.Fail and Check.Errored.
	// Returning an error means the check could not finish; [Run] keeps the
	// findings returned alongside it and adds one StatusError finding.
	Func func(ctx context.Context, target T) ([]Finding, error)
}

// Run evaluates each checker against target, in order, and returns the
// findings in that order. It never drops a check that went wrong: each of
// these becomes a finding with [StatusError] and the check's ID:
//
//   - the checker fails [Check.Validate], has a nil Func, or repeats an
//     ID already seen in this run;
//   - Func returns an error or panics;
//   - ctx is done before the checker starts (later checkers are not run);
//   - Func returns a finding whose status is not valid.
//
// Findings returned with empty fields get them from the check: CheckID,
// Title, Severity, Remediation and References. A checker that returns no
// findings and no error had nothing to inspect and contributes nothing.
func Run[T any](ctx context.Context, target T, checkers ...Checker[T]) []Finding {
	var out []Finding
	seen := make(map[string]bool, len(checkers))
	for _, c := range checkers {
		if err := ctx.Err(); err != nil {
			out = append(out, c.Errored("", fmt.Errorf("check not run: %w", err)))
			continue
		}
		if err := c.Validate(); err != nil {
			out = append(out, c.Errored("", err))
			continue
		}
		if seen[c.ID] {
			out = append(out, c.Errored("", fmt.Errorf("audit: duplicate check id %s: %w", c.ID, ErrInvalidCheck)))
			continue
		}
		seen[c.ID] = true
		if c.Func == nil {
			out = append(out, c.Errored("", fmt.Errorf("audit: check %s has no Func: %w", c.ID, ErrInvalidCheck)))
			continue
		}
		findings, err := call(ctx, target, c.Func)
		for _, f := range findings {
			out = append(out, c.complete(f))
		}
		if err != nil {
			out = append(out, c.Errored("", err))
		}
	}
	return out
}

// errPanic is wrapped by the error Run records for a panicking check.
var errPanic = errors.New("check panicked")

func call[T any](ctx context.Context, target T, fn func(context.Context, T) ([]Finding, error)) (findings []Finding, err error) {
	defer func() {
		if v := recover(); v != nil {
			findings, err = nil, fmt.Errorf("%w: %v", errPanic, v)
		}
	}()
	return fn(ctx, target)
}

// complete fills f's empty fields from c and repairs invalid statuses.
func (c Check) complete(f Finding) Finding {
	if f.CheckID == "" {
		f.CheckID = c.ID
	}
	if f.Title == "" {
		f.Title = c.Title
	}
	if !f.Severity.Valid() {
		f.Severity = c.Severity
	}
	if f.Remediation.IsZero() {
		f.Remediation = c.Remediation
	}
	if f.References == nil {
		f.References = c.References
	}
	switch {
	case !f.Status.Valid():
		f.Error = fmt.Sprintf("check returned a finding with invalid %v", f.Status)
		f.Status = StatusError
	case f.Status == StatusError && f.Error == "":
		f.Error = "unknown error"
	case f.Status == StatusNotApplicable && f.Reason == "":
		f.Reason = "no reason given"
	}
	return f
}
