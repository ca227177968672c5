package certs

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("certs: invalid input")
	// ErrProbe: the TLS endpoint could not be reached or no handshake
	// completed, so no check could run.
	ErrProbe = errors.New("certs: probe failed")
)

// InvalidError reports bad input before anything is sent.
type InvalidError struct {
	// Input names the offending input, e.g. `ProbeOptions`.
	Input string
	// Field is the field at fault, if any.
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("certs: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("certs: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }
