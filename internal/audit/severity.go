package audit

import "strings"

// Severity ranks how bad a failing check is. Severities are ordered, so
// they compare with < and >: SeverityInfo < SeverityLow < SeverityMedium
// < SeverityHigh < SeverityCritical.
//
// The zero Severity is not a valid level. It sorts below every valid one,
// so a zero threshold passed to [Report.ExitCode] gates on every failure, and it
// fails to marshal, so a finding whose severity was never set cannot be
// written as JSON or SARIF by mistake.
type Severity int

// The severity levels, lowest first.
const (
	SeverityInfo Severity = iota + 1
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityEnum = enum[Severity]{
	kind:  "severity",
	names: []string{SeverityInfo: "info", SeverityLow: "low", SeverityMedium: "medium", SeverityHigh: "high", SeverityCritical: "critical"},
	order: Severities(),
}

// Severities returns every valid severity, highest first.
func Severities() []Severity {
	return []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityInfo}
}

// Valid reports whether s is one of the defined levels.
func (s Severity) Valid() bool { return severityEnum.valid(s) }

// String returns the lowercase name ("critical", "high", ...), or
// "severity(N)" for an invalid value.
func (s Severity) String() string { return severityEnum.String(s) }

// ParseSeverity parses a severity name, ignoring case and surrounding
// space. It accepts "critical", "high", "medium", "low" and "info", and
// "informational" as a synonym for "info". Any other value yields a
// *[ParseError] naming it.
func ParseSeverity(name string) (Severity, error) {
	if strings.EqualFold(strings.TrimSpace(name), "informational") {
		return SeverityInfo, nil
	}
	return severityEnum.parse(name)
}

// MarshalText implements encoding.TextMarshaler. It fails for an invalid
// severity.
func (s Severity) MarshalText() ([]byte, error) { return severityEnum.marshal(s) }

// UnmarshalText implements encoding.TextUnmarshaler using [ParseSeverity].
func (s *Severity) UnmarshalText(text []byte) error {
	return severityEnum.unmarshal(s, text, ParseSeverity)
}
