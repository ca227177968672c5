package rds

import (
	"errors"
	"fmt"
)

// ErrInvalid matches every *InvalidError: input refused before any call
// to the RDS API.
var ErrInvalid = errors.New("rds: invalid input")

// InvalidError reports bad input, such as an InstanceSpec field RDS would
// refuse, before anything is created or modified.
type InvalidError struct {
	// Input names the offending input, e.g. `instance spec "orders-db"`.
	Input string
	// Field is the field at fault, e.g. "AllocatedStorage".
	Field string
	// Reason says what is wrong. It never quotes a password.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("rds: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("rds: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// specInput names a spec by its identifier when it has one; an identifier
// is never secret.
func specInput(kind, identifier string) string {
	if identifier == "" || !identRE.MatchString(identifier) {
		return kind
	}
	return fmt.Sprintf("%s %q", kind, identifier)
}
