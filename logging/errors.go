package logging

import (
	"errors"
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
