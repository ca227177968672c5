package audit

import "time"

// Tool identifies the program that produced a report. Writers put it in
// the JSON header, the SARIF tool.driver and the JUnit suite names.
type Tool struct {
	// Name is the tool name, e.g. "opskit".
	Name string `json:"name"`
	// Version is the tool version, e.g. "1.4.0".
	Version string `json:"version,omitempty"`
	// InformationURI is the tool's home page.
	InformationURI string `json:"informationUri,omitempty"`
}

// Report is the result of one audit run: findings plus what produced them,
// against what, and when. Its methods are the whole report API, so every
// package's alias of Report carries them: the writers ([Report.Write] and
// one method per format) read it and never modify it; [Report.Sort],
// [Report.ApplyWaivers] and [Report.ExitCode] order, waive and gate it.
type Report struct {
	// Tool is the program that ran the checks.
	Tool Tool
	// Name names the audit, e.g. "database" or "access.host". SARIF
	// builds automationDetails.id from it and Target. When empty, writers
	// use the longest dot-separated prefix the check IDs share.
	Name string
	// Target names what was audited, e.g. "db1:5432". Writers print it
	// as given, so it must not carry credentials (no DSN with a password).
	Target string
	// Started and Finished bound the run. Writers take every timestamp
	// they print from these two fields and never read the clock.
	Started, Finished time.Time
	// Checks is the metadata of the checks that ran, optional. SARIF uses
	// it for rule descriptions and lists checks that produced no findings;
	// without it rules are built from the findings alone.
	Checks []Check
	// Findings are the outcomes, in the order writers print them.
	Findings []Finding
	// UnusedWaivers are waivers that waived no failing finding, as
	// recorded by [Report.ApplyWaivers]; writers list them so they can be
	// cleaned up.
	UnusedWaivers []Waiver
}

// Sort puts r.Findings in canonical order; see [SortFindings].
func (r *Report) Sort() {
	SortFindings(r.Findings)
}

// ApplyWaivers applies waivers to r.Findings as of now and records in
// r.UnusedWaivers the waivers that waived nothing. A finding with
// [StatusFail] matched by:
//
//   - an unexpired waiver becomes [StatusWaived] with Finding.Waiver set
//     to the first such waiver (in the order given);
//   - only expired waivers stays failing, and Finding.ExpiredWaiver
//     records the first of them, so reports say it expired and when.
//
// Passing, erroring and already waived findings are left as they are:
// a waiver never hides a check that could not run. The unused waivers are
// those that matched no failing finding, expired or not, in input order;
// a waiver that matches only passing findings is stale and is among them.
// ApplyWaivers does not validate waivers (LoadWaivers does); a malformed
// pattern matches nothing.
func (r *Report) ApplyWaivers(now time.Time, waivers []Waiver) {
	r.Findings, r.UnusedWaivers = apply(now, r.Findings, waivers)
}

// Summary returns the counts of r.Findings; see [Summarize].
func (r *Report) Summary() Summary {
	return Summarize(r.Findings)
}
