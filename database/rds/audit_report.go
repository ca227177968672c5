package rds

import (
	"io"

	"github.com/opskit-dev/opskit/internal/audit"
)

// The shared finding model every opskit audit returns, re-exported so users
// never import internal packages or the database package. The writers, waivers
// and exit code are methods of Report: r.Write(w, format),
// r.WriteSARIF(w, SARIFOptions{}), r.ApplyWaivers(now, waivers),
// r.ExitCode(threshold). The SARIF passes the checks GitHub code scanning
// applies (Microsoft's SARIF multitool with its GitHub rules) and the
// JUnit has the structure Jenkins' xUnit plugin, the Jenkins junit step
// and GitLab read; the internal/audit package doc says what was checked.
type (
	// Finding is the outcome of one check on one resource.
	Finding = audit.Finding
	// Check is the metadata of one hardening rule.
	Check = audit.Check
	// Severity ranks how bad a failing check is.
	Severity = audit.Severity
	// Status is a finding's outcome: pass, fail, error, waived or n/a.
	Status = audit.Status
	// Remediation says how to fix a failing finding.
	Remediation = audit.Remediation
	// Report is the result of one audit run, with writers for table, JSON,
	// SARIF and JUnit, waivers and the exit code as methods.
	Report = audit.Report
	// Waiver accepts a known failure until it expires.
	Waiver = audit.Waiver
	// Tool names the program in a report.
	Tool = audit.Tool
	// Format names a report writer: table, json, sarif, junit or html.
	Format = audit.Format
	// SARIFOptions chooses what WriteSARIF writes beyond failures and
	// check errors, and the run's automationDetails.id.
	SARIFOptions = audit.SARIFOptions
	TableOptions = audit.TableOptions
	// Summary counts a report's findings by status and severity.
	Summary = audit.Summary
	// WaiverError reports a bad entry in a waiver file, with its line.
	WaiverError = audit.WaiverError
)

// Severities, statuses, formats and the exit codes of Report.ExitCode,
// re-exported.
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
	// StatusNotApplicable: the check does not apply; Finding.Reason says
	// why.
	StatusNotApplicable = audit.StatusNotApplicable

	FormatTable = audit.FormatTable
	FormatJSON  = audit.FormatJSON
	FormatSARIF = audit.FormatSARIF
	FormatJUnit = audit.FormatJUnit
	FormatHTML  = audit.FormatHTML

	// ExitOK: nothing failed at or above the threshold.
	ExitOK = audit.ExitOK
	// ExitFindings: a finding failed at or above the threshold.
	ExitFindings = audit.ExitFindings
	// ExitCheckErrors: a check could not decide at or above the threshold.
	ExitCheckErrors = audit.ExitCheckErrors
)

// ParseFormat parses a writer name: table, json, sarif, junit or html.
func ParseFormat(name string) (Format, error) { return audit.ParseFormat(name) }

// ParseSeverity parses a severity name (critical, high, medium, low, info),
// e.g. an exit-code threshold from a flag.
func ParseSeverity(name string) (Severity, error) { return audit.ParseSeverity(name) }

// LoadWaivers reads and validates waivers (check ID, resource pattern,
// reason, owner, expiry) from a YAML file.
func LoadWaivers(path string) ([]Waiver, error) { return audit.LoadWaivers(path) }

// ParseWaivers reads waivers in YAML from r; name is used in errors and in
// each waiver's Source.
func ParseWaivers(r io.Reader, name string) ([]Waiver, error) { return audit.ParseWaivers(r, name) }

// ReadJSON reads a report written by Report.WriteJSON.
func ReadJSON(r io.Reader) (*Report, error) { return audit.ReadJSON(r) }
