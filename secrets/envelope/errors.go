package envelope

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("envelope: invalid input")
	// ErrAuth is returned when a message fails authentication: changed,
	// truncated, extended, or opened with another encryption context.
	ErrAuth = errors.New("envelope: message authentication failed")
	// ErrFormat is returned for input that is not a version-1 message.
	ErrFormat = errors.New("envelope: not an envelope message")
)

// InvalidError reports bad input before anything is encrypted.
type InvalidError struct {
	// Input names the offending input, e.g. `encryption context`.
	Input string
	// Field is the field at fault, if any.
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("envelope: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("envelope: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }
