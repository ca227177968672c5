package bus

import (
	"context"

	"github.com/opskit-dev/opskit/internal/audit"
)

// The shared finding model, re-exported so callers never import internal/.
// Report's methods write it (table, JSON, SARIF, JUnit), apply waivers and
// turn it into an exit code.
type (
	// Finding is the outcome of one check on one resource.
	Finding = audit.Finding
	// Check is the metadata of one hardening rule.
	Check = audit.Check
	// Severity is how bad a failing check is.
	Severity = audit.Severity
	// Status is pass, fail, error or waived.
	Status = audit.Status
	// Remediation says how to fix a failure.
	Remediation = audit.Remediation
	// Report gathers findings for the writers.
	Report = audit.Report
	// Waiver accepts a known failure until it expires.
	Waiver = audit.Waiver
)

// Severities and statuses of the shared model.
const (
	SeverityInfo        = audit.SeverityInfo
	SeverityLow         = audit.SeverityLow
	SeverityMedium      = audit.SeverityMedium
	SeverityHigh        = audit.SeverityHigh
	SeverityCritical    = audit.SeverityCritical
	StatusPass          = audit.StatusPass
	StatusFail          = audit.StatusFail
	StatusError         = audit.StatusError
	StatusWaived        = audit.StatusWaived
	StatusNotApplicable = audit.StatusNotApplicable
)

// Audit reads the cluster's configuration through the management API and
// runs every bus check against it (today: listeners that accept plaintext
// on non-loopback addresses). A check that cannot read what it needs
// yields a StatusError finding, never a pass.
func Audit(ctx context.Context, m *Management) []Finding {
	return audit.Run(ctx, m, busCheckers...)
}

var busCheckers = []audit.Checker[*Management]{
	{Check: ListenerTLSCheck, Func: func(ctx context.Context, m *Management) ([]Finding, error) {
		ls, err := m.Listeners(ctx)
		if err != nil {
			return nil, err
		}
		return AuditListeners(ls), nil
	}},
}
