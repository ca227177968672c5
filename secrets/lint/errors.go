package lint

import (
	"errors"
	"fmt"
)

// ErrInvalid matches every *InvalidError.
var ErrInvalid = errors.New("lint: invalid input")

// InvalidError reports input the linter cannot read: a file of no known
// kind, a Dockerfile or compose file that does not parse, an empty image
// reference. It never carries file content.
type InvalidError struct {
	// Input names the offending input, e.g. `file "deploy/compose.yaml"`.
	Input string
	// Field is the part at fault, if any.
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("lint: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("lint: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}
