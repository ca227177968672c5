package audit

import (
	"errors"
	"fmt"
	"regexp"
)

// Check is the metadata of one hardening rule. It is the same for every
// resource the rule inspects; the per-resource outcome is a [Finding].
type Check struct {
	// ID is stable across releases and names the domain first, in
	// lowercase dot-separated segments: "database.pg_hba.trust". Waivers,
	// SARIF rule ids and JUnit suites are keyed on it. See [Check.Validate].
	ID string `json:"id"`
	// Title is a one-line summary phrased as the problem,
	// e.g. "pg_hba.conf allows trust authentication".
	Title string `json:"title"`
	// Description explains the risk in a paragraph or two.
	Description string `json:"description,omitempty"`
	// Severity is how bad a failure is.
	Severity Severity `json:"severity"`
	// Remediation says how to fix a failure.
	Remediation Remediation `json:"remediation,omitzero"`
	// References are benchmark ids and links, e.g. "CIS PostgreSQL 16 v1.0.0 4.3".
	References []string `json:"references,omitempty"`
	// Tags classify the check, e.g. "cis", "network". SARIF writes them
	// as rule tags.
	Tags []string `json:"tags,omitempty"`
}

// Remediation says how to fix a failing finding: prose, plus the shell
// command or SQL statement that fixes it where there is one.
type Remediation struct {
	// Text is the fix in prose.
	Text string `json:"text,omitempty"`
	// Command is a shell command that applies the fix.
	Command string `json:"command,omitempty"`
	// SQL is a SQL statement that applies the fix.
	SQL string `json:"sql,omitempty"`
}

// IsZero reports whether r has no content.
func (r Remediation) IsZero() bool {
	return r == Remediation{}
}

// checkIDPattern: at least two lowercase segments of letters, digits and
// underscores, each starting with a letter.
var checkIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)

// ErrInvalidCheck is wrapped by the errors [Check.Validate] returns.
var ErrInvalidCheck = errors.New("invalid check")

// Validate reports whether c is complete enough to run: its ID has at
// least two lowercase dot-separated segments of letters, digits and
// underscores ("database.pg_hba.trust"), its title is set and its severity
// is valid. The error wraps [ErrInvalidCheck].
func (c Check) Validate() error {
	switch {
	case !checkIDPattern.MatchString(c.ID):
		return fmt.Errorf("audit: check id %q: want lowercase dot-separated segments like database.pg_hba.trust: %w", c.ID, ErrInvalidCheck)
	case c.Title == "":
		return fmt.Errorf("audit: check %s: empty title: %w", c.ID, ErrInvalidCheck)
	case !c.Severity.Valid():
		return fmt.Errorf("audit: check %s: %v: %w", c.ID, c.Severity, ErrInvalidCheck)
	}
	return nil
}

// Pass returns a passing finding of c for resource.
func (c Check) Pass(resource string) Finding {
	return c.finding(StatusPass, resource)
}

// Fail returns a failing finding of c for resource, with evidence saying
// what was observed (e.g. the offending configuration line).
func (c Check) Fail(resource, evidence string) Finding {
	f := c.finding(StatusFail, resource)
	f.Evidence = evidence
	return f
}

// Errored returns a finding of c with [StatusError] for resource, for a
// check that could not decide because of err. A nil err is recorded as
// "unknown error".
func (c Check) Errored(resource string, err error) Finding {
	f := c.finding(StatusError, resource)
	f.Error = "unknown error"
	if err != nil {
		f.Error = err.Error()
	}
	return f
}

// NotApplicable returns a finding of c with [StatusNotApplicable] for
// resource: the check does not apply to this target, for the reason
// given (e.g. "RDS manages pg_hba.conf; there is no file to inspect").
// An empty reason is recorded as "no reason given".
func (c Check) NotApplicable(resource, reason string) Finding {
	f := c.finding(StatusNotApplicable, resource)
	f.Reason = reason
	if f.Reason == "" {
		f.Reason = "no reason given"
	}
	return f
}

func (c Check) finding(s Status, resource string) Finding {
	return Finding{
		CheckID:     c.ID,
		Title:       c.Title,
		Severity:    c.Severity,
		Status:      s,
		Resource:    resource,
		Remediation: c.Remediation,
		References:  c.References,
	}
}
