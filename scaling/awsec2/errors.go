package awsec2

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/scaling"
)

// ErrInvalid matches every *InvalidError, as does scaling.ErrInvalid.
var ErrInvalid = errors.New("scaling/awsec2: invalid input")

// InvalidError reports bad input before anything is changed.
type InvalidError struct {
	// Input names the offending input, e.g. `security group "web"`.
	Input string
	// Field is the field at fault, if any.
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("scaling/awsec2: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("scaling/awsec2: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) and errors.Is(err, scaling.ErrInvalid)
// true.
func (e *InvalidError) Is(target error) bool {
	return target == ErrInvalid || target == scaling.ErrInvalid
}

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// isCode reports whether err is an EC2 error with one of the codes.
func isCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}
