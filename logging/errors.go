package logging

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Typed errors below match them with errors.Is.
var (
	// ErrClosed is returned when emitting to or writing through a closed
	// pipeline, handler or sink.
	ErrClosed = errors.New("logging: closed")
	// ErrInvalid matches every *InvalidError and InvalidErrors: bad input,
	// reported before anything is started or sent.
	ErrInvalid = errors.New("logging: invalid input")
)

// InvalidError reports bad input to a constructor or function of logging
// or one of its subpackages, before anything is started or sent.
type InvalidError struct {
	// Input names the offending input, such as "Options" or
	// "bulk.Options".
	Input string
	// Field is the field or argument at fault, such as "BufferEvents",
	// if any.
	Field string
	// Reason says what is wrong, with the offending value where it is not
	// secret (a URL's password is never shown).
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("logging: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("logging: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Is(target error) bool { return target == ErrInvalid }

// InvalidErrors is every problem found in one input, such as a set of
// Docker awslogs options, in order. It matches ErrInvalid, and errors.As
// finds each *InvalidError.
type InvalidErrors []*InvalidError

// Error implements error: one line per problem.
func (es InvalidErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (es InvalidErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Is makes errors.Is(err, ErrInvalid) true.
func (es InvalidErrors) Is(target error) bool { return target == ErrInvalid }
