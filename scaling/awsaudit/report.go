package awsaudit

import "github.com/opskit-dev/opskit/internal/audit"

// The shared finding model, re-exported so users never import internal
// packages; the writers, waivers and exit code are methods of Report.
type (
	// Finding is the outcome of one check on one resource.
	Finding = audit.Finding
	// Check is the metadata of one rule.
	Check = audit.Check
	// Severity ranks how bad a failing check is.
	Severity = audit.Severity
	// Status is a finding's outcome: pass, fail, error or waived.
	Status = audit.Status
	// Remediation says how to fix a failing finding.
	Remediation = audit.Remediation
	// Report is one audit run, with its writers, waivers and exit code.
	Report = audit.Report
	// Waiver accepts a known failure until it expires.
	Waiver = audit.Waiver
	// Format names a report writer: table, json, sarif or junit.
	Format = audit.Format
)

// Severities and statuses, re-exported.
const (
	SeverityInfo     = audit.SeverityInfo
	SeverityLow      = audit.SeverityLow
	SeverityMedium   = audit.SeverityMedium
	SeverityHigh     = audit.SeverityHigh
	SeverityCritical = audit.SeverityCritical

	StatusPass   = audit.StatusPass
	StatusFail   = audit.StatusFail
	StatusError  = audit.StatusError
	StatusWaived = audit.StatusWaived

	FormatTable = audit.FormatTable
	FormatJSON  = audit.FormatJSON
	FormatSARIF = audit.FormatSARIF
	FormatJUnit = audit.FormatJUnit
)
