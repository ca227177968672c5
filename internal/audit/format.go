package audit

import (
	"fmt"
	"io"
	"strings"
)

// Format names a report writer.
type Format int

// The report formats.
const (
	// FormatTable is the human table written by [WriteTable].
	FormatTable Format = iota + 1
	// FormatJSON is the versioned JSON written by [WriteJSON].
	FormatJSON
	// FormatSARIF is the SARIF 2.1.0 log written by [WriteSARIF].
	FormatSARIF
	// FormatJUnit is the JUnit XML written by [WriteJUnit].
	FormatJUnit
)

var formatNames = [...]string{
	FormatTable: "table",
	FormatJSON:  "json",
	FormatSARIF: "sarif",
	FormatJUnit: "junit",
}

// Formats returns every format in declaration order.
func Formats() []Format {
	return []Format{FormatTable, FormatJSON, FormatSARIF, FormatJUnit}
}

// String returns the format name ("table", "json", "sarif", "junit"), or
// "format(N)" for an invalid value.
func (f Format) String() string {
	if f < FormatTable || f > FormatJUnit {
		return fmt.Sprintf("format(%d)", int(f))
	}
	return formatNames[f]
}

// ParseFormat parses a format name, ignoring case and surrounding space.
// Any value other than "table", "json", "sarif" or "junit" yields a
// *[ParseError] naming it.
func ParseFormat(name string) (Format, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	for _, f := range Formats() {
		if formatNames[f] == n {
			return f, nil
		}
	}
	return 0, &ParseError{Kind: "format", Value: name, Valid: []string{"table", "json", "sarif", "junit"}}
}

// MarshalText implements encoding.TextMarshaler, so a Format works with
// flag.TextVar.
func (f Format) MarshalText() ([]byte, error) {
	if f < FormatTable || f > FormatJUnit {
		return nil, fmt.Errorf("audit: cannot marshal invalid %v", f)
	}
	return []byte(f.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using [ParseFormat].
func (f *Format) UnmarshalText(text []byte) error {
	v, err := ParseFormat(string(text))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// Write writes r to w in format f.
func Write(w io.Writer, r *Report, f Format) error {
	switch f {
	case FormatTable:
		return WriteTable(w, r)
	case FormatJSON:
		return WriteJSON(w, r)
	case FormatSARIF:
		return WriteSARIF(w, r)
	case FormatJUnit:
		return WriteJUnit(w, r)
	}
	return fmt.Errorf("audit: write: invalid %v", f)
}
