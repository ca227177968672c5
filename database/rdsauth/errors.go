package rdsauth

import (
	"errors"
	"fmt"
)

// ErrInvalid matches every *InvalidError.
var ErrInvalid = errors.New("rdsauth: invalid input")

// InvalidError reports bad Options before any token is built.
type InvalidError struct {
	// Input names the offending input, e.g. "options".
	Input string
	// Field is the field at fault.
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("rdsauth: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: "options", Field: field, Reason: fmt.Sprintf(format, args...)}
}
