package audit

import "testing"

func TestExitCode(t *testing.T) {
	f := func(sev Severity, st Status) Finding {
		return Finding{CheckID: "x.y", Severity: sev, Status: st}
	}
	tests := []struct {
		name      string
		findings  []Finding
		threshold Severity
		want      int
	}{
		{"no findings", nil, SeverityHigh, ExitOK},
		{"pass never fails", []Finding{f(SeverityCritical, StatusPass)}, SeverityInfo, ExitOK},
		{"waived never fails", []Finding{f(SeverityCritical, StatusWaived)}, SeverityInfo, ExitOK},
		{"n/a never fails", []Finding{f(SeverityCritical, StatusNotApplicable)}, 0, ExitOK},
		{"fail below threshold", []Finding{f(SeverityMedium, StatusFail)}, SeverityHigh, ExitOK},
		{"fail at threshold", []Finding{f(SeverityHigh, StatusFail)}, SeverityHigh, ExitFindings},
		{"fail above threshold", []Finding{f(SeverityCritical, StatusFail)}, SeverityHigh, ExitFindings},
		{"error below threshold", []Finding{f(SeverityLow, StatusError)}, SeverityMedium, ExitOK},
		{"error at threshold", []Finding{f(SeverityMedium, StatusError)}, SeverityMedium, ExitCheckErrors},
		{"error wins over fail", []Finding{f(SeverityCritical, StatusFail), f(SeverityHigh, StatusError)}, SeverityHigh, ExitCheckErrors},
		{"zero threshold counts info", []Finding{f(SeverityInfo, StatusFail)}, 0, ExitFindings},
		{"info threshold counts info", []Finding{f(SeverityInfo, StatusFail)}, SeverityInfo, ExitFindings},
		{"critical threshold ignores high", []Finding{f(SeverityHigh, StatusFail), f(SeverityHigh, StatusError)}, SeverityCritical, ExitOK},
		{"unknown severity always counts", []Finding{f(0, StatusError)}, SeverityCritical, ExitCheckErrors},
		{"expired waiver still fails", []Finding{{Severity: SeverityHigh, Status: StatusFail, ExpiredWaiver: &Waiver{}}}, SeverityHigh, ExitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (&Report{Findings: tt.findings}).ExitCode(tt.threshold); got != tt.want {
				t.Errorf("ExitCode(%v) = %d; want %d", tt.threshold, got, tt.want)
			}
		})
	}
}

func TestAtOrAbove(t *testing.T) {
	r := fixtureReport()
	got := r.AtOrAbove(SeverityHigh)
	if len(got) != 2 || got[0].Resource != "pg_hba.conf:12" || got[1].CheckID != "database.ssl.disabled" {
		t.Errorf("AtOrAbove(high) = %+v; want the unwaived trust line and the TLS failure", got)
	}
	if code := r.ExitCode(SeverityHigh); code != ExitFindings {
		t.Errorf("ExitCode(fixture, high) = %d; want %d", code, ExitFindings)
	}
	if code := r.ExitCode(SeverityMedium); code != ExitCheckErrors {
		t.Errorf("ExitCode(fixture, medium) = %d; want %d", code, ExitCheckErrors)
	}
}
