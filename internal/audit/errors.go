package audit

import (
	"fmt"
	"strings"
)

// ParseError reports a value that is not one of the names accepted by
// [ParseSeverity], [ParseStatus] or [ParseFormat].
type ParseError struct {
	// Kind is what was being parsed: "severity", "status" or "format".
	Kind string
	// Value is the rejected input, as given.
	Value string
	// Valid lists the accepted names.
	Valid []string
}

// Error implements error.
func (e *ParseError) Error() string {
	return fmt.Sprintf("audit: unknown %s %q (want one of %s)", e.Kind, e.Value, strings.Join(e.Valid, ", "))
}
