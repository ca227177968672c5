package elb

import (
	"errors"
	"fmt"

	"github.com/opskit-dev/opskit/scaling"
)

// ErrInvalid matches every *InvalidError, as does scaling.ErrInvalid.
var ErrInvalid = errors.New("scaling/elb: invalid input")

// InvalidError reports bad input before anything is changed; Rule names
// the AWS rule or quota it breaks.
type InvalidError struct {
	// Input names the offending input, e.g. `load balancer "web" listener HTTP:80 rule "api"`.
	Input string
	// Field is the field at fault, if any.
	Field string
	// Reason says what is wrong and which rule it breaks.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("scaling/elb: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("scaling/elb: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) and errors.Is(err, scaling.ErrInvalid) true.
func (e *InvalidError) Is(target error) bool {
	return target == ErrInvalid || target == scaling.ErrInvalid
}

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}
