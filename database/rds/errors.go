package rds

import (
	"errors"
	"fmt"
)

// ErrInvalid matches every *InvalidError: input refused before any call
// to the RDS API.
var ErrInvalid = errors.New("rds: invalid input")

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
