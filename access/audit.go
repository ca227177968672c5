package access

import "github.com/opskit-dev/opskit/internal/audit"

// The shared finding model every opskit audit returns, re-exported so users
// never import internal packages.
type (
	// Finding is the outcome of one check on one resource.
	Finding = audit.Finding
	// Check is the metadata of one hardening rule.
	Check = audit.Check
	// Severity ranks how bad a failing check is.
	Severity = audit.Severity
	// Status is a finding's outcome: pass, fail, error or waived.
	Status = audit.Status
	// Remediation says how to fix a failing finding.
	Remediation = audit.Remediation
	// Report is the result of one audit run, with writers for table, JSON,
	// SARIF and JUnit.
	Report = audit.Report
	// Waiver accepts a known failure until it expires.
	Waiver = audit.Waiver
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
)
