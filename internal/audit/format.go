package audit

import (
	"fmt"
	"io"
)

// Format names a report writer.
type Format int

// The report formats.
const (
	// FormatTable is the human table written by [Report.WriteTable].
	FormatTable Format = iota + 1
	// FormatJSON is the versioned JSON written by [Report.WriteJSON].
	FormatJSON
	// FormatSARIF is the SARIF 2.1.0 log written by [Report.WriteSARIF].
	FormatSARIF
	// FormatJUnit is the JUnit XML written by [Report.WriteJUnit].
	FormatJUnit
	// FormatHTML is the self-contained HTML page written by
	// [Report.WriteHTML].
	FormatHTML
)

var formatEnum = enum[Format]{
	kind:  "format",
	names: []string{FormatTable: "table", FormatJSON: "json", FormatSARIF: "sarif", FormatJUnit: "junit", FormatHTML: "html"},
	order: Formats(),
}

// Formats returns every format in declaration order.
func Formats() []Format {
	return []Format{FormatTable, FormatJSON, FormatSARIF, FormatJUnit, FormatHTML}
}

// String returns the format name ("table", "json", "sarif", "junit",
// "html"), or "format(N)" for an invalid value.
func (f Format) String() string { return formatEnum.String(f) }

// ParseFormat parses a format name, ignoring case and surrounding space.
// Any value other than "table", "json", "sarif", "junit" or "html" yields a
// *[ParseError] naming it.
func ParseFormat(name string) (Format, error) {
	return formatEnum.parse(name)
}

// MarshalText implements encoding.TextMarshaler, so a Format works with
// flag.TextVar.
func (f Format) MarshalText() ([]byte, error) { return formatEnum.marshal(f) }

// UnmarshalText implements encoding.TextUnmarshaler using [ParseFormat].
func (f *Format) UnmarshalText(text []byte) error {
	return formatEnum.unmarshal(f, text, ParseFormat)
}

// Write writes r to w in format f. SARIF is written with the zero
// [SARIFOptions]: failing and erroring results only.
func (r *Report) Write(w io.Writer, f Format) error {
	switch f {
	case FormatTable:
		return r.WriteTable(w)
	case FormatJSON:
		return r.WriteJSON(w)
	case FormatSARIF:
		return r.WriteSARIF(w, SARIFOptions{})
	case FormatJUnit:
		return r.WriteJUnit(w)
	case FormatHTML:
		return r.WriteHTML(w)
	}
	return fmt.Errorf("audit: write: invalid %v", f)
}
