package elb

import (
	"errors"
	"fmt"
)

// ErrInvalid matches every *InvalidError, as does scaling.ErrInvalid.
var ErrInvalid = errors.New("scaling/elb: invalid input")

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}
