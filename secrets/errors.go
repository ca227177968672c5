package secrets

import (
	"errors"
	"fmt"

	"github.com/opskit-dev/opskit/secrets/driver"
)

// Sentinel errors; backends wrap them, and every *InvalidError matches
// ErrInvalid.
var (
	// ErrNotFound: no such secret, version or stage.
	ErrNotFound = driver.ErrNotFound
	// ErrDeleted: the secret is scheduled for deletion (see Store.Restore).
	ErrDeleted = driver.ErrDeleted
	// ErrInvalid matches every *InvalidError and input a backend refuses.
	ErrInvalid = driver.ErrInvalid
	// ErrUnsupported: the backend lacks the operation.
	ErrUnsupported = driver.ErrUnsupported
	// ErrClosed is returned by operations on a closed Store.
	ErrClosed = errors.New("secrets: closed")
)

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// OpError is a backend failure during Op on the secret Name.
type OpError struct {
	Op   string
	Name string
	Err  error
}

// Error implements error.
func (e *OpError) Error() string {
	return fmt.Sprintf("secrets: %s %q: %v", e.Op, e.Name, trimPrefix(e.Err))
}

// Unwrap returns the backend's error.
func (e *OpError) Unwrap() error { return e.Err }

// trimPrefix keeps messages from repeating "secrets: ".
func trimPrefix(err error) string {
	s := err.Error()
	const p = "secrets: "
	if len(s) > len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}
