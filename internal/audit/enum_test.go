package audit

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    Severity
		wantErr bool
	}{
		{"critical", SeverityCritical, false},
		{"HIGH", SeverityHigh, false},
		{" Medium\n", SeverityMedium, false},
		{"low", SeverityLow, false},
		{"info", SeverityInfo, false},
		{"informational", SeverityInfo, false},
		{"", 0, true},
		{"hgih", 0, true},
		{"warn", 0, true},
		{"severity(3)", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseSeverity(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
		if err == nil {
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Kind != "severity" || pe.Value != tt.in {
			t.Errorf("ParseSeverity(%q) error = %#v; want *ParseError for this value", tt.in, err)
		}
		if !strings.Contains(err.Error(), `"`+tt.in+`"`) || !strings.Contains(err.Error(), "critical, high, medium, low, info") {
			t.Errorf("ParseSeverity(%q) error %q does not name the value and the choices", tt.in, err)
		}
	}
}

func TestSeverityOrderAndText(t *testing.T) {
	all := Severities()
	for i := 1; i < len(all); i++ {
		if all[i-1] <= all[i] {
			t.Errorf("Severities()[%d] = %v is not above %v", i-1, all[i-1], all[i])
		}
	}
	for _, s := range all {
		text, err := s.MarshalText()
		if err != nil {
			t.Fatalf("%v.MarshalText() = %v", s, err)
		}
		var back Severity
		if err := back.UnmarshalText(text); err != nil || back != s {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", text, back, err, s)
		}
	}
	if _, err := Severity(0).MarshalText(); err == nil {
		t.Error("Severity(0).MarshalText() succeeded; want an error")
	}
	if got := Severity(9).String(); got != "severity(9)" {
		t.Errorf("Severity(9).String() = %q", got)
	}
	var f struct{ S Severity }
	if err := json.Unmarshal([]byte(`{"S":"extreme"}`), &f); err == nil || !strings.Contains(err.Error(), `"extreme"`) {
		t.Errorf("json.Unmarshal of a bad severity: %v; want an error naming it", err)
	}
}

func TestParseStatus(t *testing.T) {
	for _, s := range Statuses() {
		got, err := ParseStatus(strings.ToUpper(s.String()))
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %v, %v; want %v", strings.ToUpper(s.String()), got, err, s)
		}
		var back Status
		text, _ := s.MarshalText()
		if err := back.UnmarshalText(text); err != nil || back != s {
			t.Errorf("Status round trip of %v = %v, %v", s, back, err)
		}
	}
	for _, bad := range []string{"", "passed", "skip"} {
		var pe *ParseError
		if _, err := ParseStatus(bad); !errors.As(err, &pe) || pe.Kind != "status" {
			t.Errorf("ParseStatus(%q) error = %v; want *ParseError", bad, err)
		}
	}
	if _, err := Status(0).MarshalText(); err == nil {
		t.Error("Status(0).MarshalText() succeeded; want an error")
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{"table", FormatTable}, {"JSON", FormatJSON}, {"sarif", FormatSARIF}, {" junit ", FormatJUnit},
	}
	for _, tt := range tests {
		if got, err := ParseFormat(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseFormat(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	_, err := ParseFormat("xml")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Value != "xml" || !strings.Contains(err.Error(), "table, json, sarif, junit") {
		t.Errorf("ParseFormat(xml) error = %v; want *ParseError listing the formats", err)
	}
	for _, f := range Formats() {
		text, err := f.MarshalText()
		var back Format
		if err != nil || back.UnmarshalText(text) != nil || back != f {
			t.Errorf("Format round trip of %v failed: %v", f, err)
		}
	}
}
