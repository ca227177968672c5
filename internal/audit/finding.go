package audit

import (
	"cmp"
	"slices"
)

// Finding is the outcome of one check on one resource. Build one with
// [Check.Pass], [Check.Fail], [Check.Errored] or [Check.NotApplicable],
// which copy the check's metadata, or as a literal.
type Finding struct {
	// CheckID is the [Check.ID] of the check that produced the finding.
	CheckID string `json:"checkId"`
	// Title is the check's title.
	Title string `json:"title"`
	// Severity is the check's severity.
	Severity Severity `json:"severity"`
	// Status is the outcome.
	Status Status `json:"status"`
	// Resource names what was inspected, e.g. "pg_hba.conf:12",
	// "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0abc" or
	// "host db1:22". Waiver patterns match against it.
	Resource string `json:"resource,omitempty"`
	// Evidence is what was observed, e.g. the offending line.
	Evidence string `json:"evidence,omitempty"`
	// Remediation says how to fix a failure.
	Remediation Remediation `json:"remediation,omitzero"`
	// References are benchmark ids and links.
	References []string `json:"references,omitempty"`
	// Waiver is the waiver that accepted this failure; set only when
	// Status is StatusWaived.
	Waiver *Waiver `json:"waiver,omitempty"`
	// ExpiredWaiver is a waiver that matched this failure but had expired,
	// so it no longer waives it. Writers say "waiver expired on DATE".
	ExpiredWaiver *Waiver `json:"expiredWaiver,omitempty"`
	// Error says why the check could not decide; set only when Status is
	// StatusError.
	Error string `json:"error,omitempty"`
	// Reason says why the check does not apply to the resource; set only
	// when Status is StatusNotApplicable.
	Reason string `json:"reason,omitempty"`
}

// Failing reports whether f counts against a threshold: its status is
// fail or error. Passed, waived and not applicable findings never fail a
// run.
func (f Finding) Failing() bool {
	return f.Status == StatusFail || f.Status == StatusError
}

// SortFindings sorts findings in the canonical report order: severity
// highest first, then check ID, then resource in natural order (numbers
// by value, so "pg_hba.conf:90" comes before "pg_hba.conf:102"). The sort
// is stable, so findings equal in all three keep their relative order.
func SortFindings(findings []Finding) {
	slices.SortStableFunc(findings, compareFindings)
}

func compareFindings(a, b Finding) int {
	if c := cmp.Compare(b.Severity, a.Severity); c != 0 {
		return c
	}
	if c := cmp.Compare(a.CheckID, b.CheckID); c != 0 {
		return c
	}
	return naturalCompare(a.Resource, b.Resource)
}
