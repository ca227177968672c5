package awsasg

import (
	"errors"
	"fmt"
)

// Sentinel errors. Typed errors below match them with errors.Is.
var (
	// ErrInvalid matches every *InvalidError, as does scaling.ErrInvalid.
	ErrInvalid = errors.New("scaling/awsasg: invalid input")
	// ErrNotFound is returned for a group that does not exist.
	ErrNotFound = errors.New("scaling/awsasg: not found")
)

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func groupInput(name string) string { return fmt.Sprintf("group %q", name) }
