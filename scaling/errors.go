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

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}
