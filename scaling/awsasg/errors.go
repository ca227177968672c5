package awsasg

import (
	"errors"
	"fmt"

	"github.com/opskit-dev/opskit/scaling"
)

// Sentinel errors. Typed errors below match them with errors.Is.
var (
	// ErrInvalid matches every *InvalidError, as does scaling.ErrInvalid.
	ErrInvalid = errors.New("scaling/awsasg: invalid input")
	// ErrNotFound is returned for a group that does not exist.
	ErrNotFound = errors.New("scaling/awsasg: not found")
)

// InvalidError reports bad input before anything is changed.
type InvalidError struct {
	// Input names the offending input, e.g. `group "web"`.
	Input string
	// Field is the field at fault, if any.
	Field string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("scaling/awsasg: invalid %s: %s: %s", e.Input, e.Field, e.Reason)
	}
	return fmt.Sprintf("scaling/awsasg: invalid %s: %s", e.Input, e.Reason)
}

// Is makes errors.Is(err, ErrInvalid) and errors.Is(err, scaling.ErrInvalid)
// true, so the scaling Controller treats it as the engine's own bad input.
func (e *InvalidError) Is(target error) bool {
	return target == ErrInvalid || target == scaling.ErrInvalid
}

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func groupInput(name string) string { return fmt.Sprintf("group %q", name) }
