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
// against what, and when. The writers read it and never modify it.
type Report struct {
	// Tool is the program that ran the checks.
	Tool Tool
	// Target names what was audited, e.g. "postgres://db1:5432".
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
	// returned by [Apply]; writers list them so they can be cleaned up.
	UnusedWaivers []Waiver
}

// Sort puts r.Findings in canonical order; see [SortFindings].
func (r *Report) Sort() {
	SortFindings(r.Findings)
}

// ApplyWaivers applies waivers to r.Findings as of now and records the
// waivers that waived nothing in r.UnusedWaivers; see [Apply].
func (r *Report) ApplyWaivers(now time.Time, waivers []Waiver) {
	r.Findings, r.UnusedWaivers = Apply(now, r.Findings, waivers)
}

// Summary returns the counts of r.Findings; see [Summarize].
func (r *Report) Summary() Summary {
	return Summarize(r.Findings)
}

// Summary counts findings by status, and failing findings by severity.
type Summary struct {
	// Total is the number of findings.
	Total int `json:"total"`
	// Pass, Fail, Error and Waived count findings by status.
	Pass   int `json:"pass"`
	Fail   int `json:"fail"`
	Error  int `json:"error"`
	Waived int `json:"waived"`
	// Failed counts the findings with StatusFail by severity.
	Failed SeverityCounts `json:"failed"`
}

// SeverityCounts holds one count per severity.
type SeverityCounts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

// Of returns the count for s, or 0 for an invalid severity.
func (c SeverityCounts) Of(s Severity) int {
	if p := c.field(s); p != nil {
		return *p
	}
	return 0
}

func (c *SeverityCounts) field(s Severity) *int {
	switch s {
	case SeverityCritical:
		return &c.Critical
	case SeverityHigh:
		return &c.High
	case SeverityMedium:
		return &c.Medium
	case SeverityLow:
		return &c.Low
	case SeverityInfo:
		return &c.Info
	}
	return nil
}

// Of returns the number of findings with status s.
func (s Summary) Of(st Status) int {
	switch st {
	case StatusPass:
		return s.Pass
	case StatusFail:
		return s.Fail
	case StatusError:
		return s.Error
	case StatusWaived:
		return s.Waived
	}
	return 0
}

// Summarize counts findings by status, and the failing ones by severity.
func Summarize(findings []Finding) Summary {
	var s Summary
	for _, f := range findings {
		s.Total++
		switch f.Status {
		case StatusPass:
			s.Pass++
		case StatusFail:
			s.Fail++
			if p := s.Failed.field(f.Severity); p != nil {
				*p++
			}
		case StatusError:
			s.Error++
		case StatusWaived:
			s.Waived++
		}
	}
	return s
}
