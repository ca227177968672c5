package scaling

import (
	"errors"
	"fmt"
)

// Sentinel errors. Typed errors below match them with errors.Is.
var (
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("scaling: invalid input")
	// ErrConflict is returned by a Group whose state changed between a read
	// and a write (a stale version); the write may be retried on fresh state.
	ErrConflict = errors.New("scaling: version conflict")
	// ErrClosed is returned by a Controller after Close.
	ErrClosed = errors.New("scaling: closed")
)

// InvalidError reports bad input before anything is changed.
type InvalidError struct {
	// Input names the offending input, e.g. `group "web"` or `policy #2`.
	Input string
	// Field is the field at fault, if any.
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("scaling: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("scaling: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}
