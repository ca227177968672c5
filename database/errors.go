package database

import (
	"errors"
	"fmt"
)

// Sentinel errors. Typed errors below match them with errors.Is.
var (
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("database: invalid input")
	// ErrNoPrimary is returned by writes when no reachable, writable node
	// is known.
	ErrNoPrimary = errors.New("database: no healthy primary")
	// ErrNoNode is returned by reads when neither a replica nor the
	// primary is healthy.
	ErrNoNode = errors.New("database: no healthy node")
	// ErrClosed is returned by a Router after Close.
	ErrClosed = errors.New("database: router closed")
)

// InvalidError reports bad input (a DSN, an option, a role plan entry)
// before anything is changed. It never quotes a DSN, which can carry a
// password: Input says which one (`replica DSN 1`).
type InvalidError struct {
	// Input names the offending input, e.g. "primary DSN" or "role plan".
	Input string
	// Field is the field or entry at fault, if any (`schema "app"`).
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("database: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("database: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}
