package database

import (
	"io"
	"time"

	"github.com/opskit-dev/opskit/internal/audit"
)

// More of the shared finding model, so callers outside this module never
// need internal/audit.
type (
	// Format names a report writer (table, json, sarif, junit).
	Format = audit.Format
	// Tool names the program in a report.
	Tool = audit.Tool
)

// WriteReport writes r as a human table, versioned JSON, SARIF 2.1.0 or
// JUnit XML.
func WriteReport(w io.Writer, r *Report, f Format) error { return audit.Write(w, r, f) }

// ParseFormat parses a writer name: table, json, sarif or junit.
func ParseFormat(name string) (Format, error) { return audit.ParseFormat(name) }

// LoadWaivers reads waivers (check ID, resource pattern, reason, expiry)
// from a YAML file.
func LoadWaivers(path string) ([]Waiver, error) { return audit.LoadWaivers(path) }

// ApplyWaivers waives the failures the waivers match (expired waivers stop
// waiving and say so) and returns the waivers that waived nothing.
func ApplyWaivers(now time.Time, findings []Finding, waivers []Waiver) ([]Finding, []Waiver) {
	return audit.Apply(now, findings, waivers)
}

// ExitCode turns findings into a process exit code for CI: non-zero when a
// failing finding is at or above threshold.
func ExitCode(findings []Finding, threshold Severity) int { return audit.ExitCode(findings, threshold) }
