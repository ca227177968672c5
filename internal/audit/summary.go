package audit

// Summary counts findings by status, and failing findings by severity.
type Summary struct {
	// Total is the number of findings.
	Total int `json:"total"`
	// Pass, Fail, Error, Waived and NotApplicable count findings by
	// status.
	Pass          int `json:"pass"`
	Fail          int `json:"fail"`
	Error         int `json:"error"`
	Waived        int `json:"waived"`
	NotApplicable int `json:"notApplicable"`
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
	case StatusNotApplicable:
		return s.NotApplicable
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
		case StatusNotApplicable:
			s.NotApplicable++
		}
	}
	return s
}
