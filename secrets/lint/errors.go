package lint

import (
	"errors"
	"fmt"
)

// ErrInvalid matches every *InvalidError.
var ErrInvalid = errors.New("lint: invalid input")

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}
