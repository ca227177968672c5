package audit

// Exit codes returned by [Report.ExitCode]. They are stable: CI scripts may
// branch on them.
const (
	// ExitOK: no failing or erroring finding at or above the threshold.
	ExitOK = 0
	// ExitFindings: at least one finding with StatusFail at or above the
	// threshold, and no check error at or above it.
	ExitFindings = 1
	// ExitCheckErrors: at least one finding with StatusError at or above
	// the threshold. It wins over ExitFindings because the audit is
	// incomplete: a check that could not run may hide a failure.
	ExitCheckErrors = 2
)

// ExitCode turns r's findings into a process exit code for CI: [ExitOK],
// [ExitFindings] or [ExitCheckErrors], counting only findings with
// StatusFail or StatusError whose severity is at or above threshold.
// Passed and waived findings never fail a run, and a failure matched only
// by an expired waiver counts as the failure it is.
//
// The zero Severity is below every level, so a zero threshold counts every
// failure, like [SeverityInfo]. A failing finding whose own severity is not
// valid counts whatever the threshold: its severity is unknown, and a
// broken check must not pass the gate silently.
func (r *Report) ExitCode(threshold Severity) int {
	code := ExitOK
	for _, f := range r.AtOrAbove(threshold) {
		if f.Status == StatusError {
			return ExitCheckErrors
		}
		code = ExitFindings
	}
	return code
}

// AtOrAbove returns, in report order, the findings that count against
// threshold in [Report.ExitCode]: those with StatusFail or StatusError and
// a severity at or above threshold, or an invalid severity. A CLI can
// print them to explain a non-zero exit.
func (r *Report) AtOrAbove(threshold Severity) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Failing() && (f.Severity >= threshold || !f.Severity.Valid()) {
			out = append(out, f)
		}
	}
	return out
}
