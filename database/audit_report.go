package database

import (
	"io"

	"github.com/opskit-dev/opskit/internal/audit"
)

// The rest of the shared report model, so a database user writes, waives
// and gates reports through this package's names alone. The writers,
// waivers and exit code are methods of Report: r.Write(w, format),
// r.WriteSARIF(w, SARIFOptions{}), r.ApplyWaivers(now, waivers),
// r.ExitCode(threshold). The SARIF passes the checks GitHub code scanning
// applies (Microsoft's SARIF multitool with its GitHub rules) and the
// JUnit has the structure Jenkins' xUnit plugin, the Jenkins junit step
// and GitLab read; the internal/audit package doc says what was checked.
type (
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

// The report formats and the exit codes of Report.ExitCode.
const (
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
