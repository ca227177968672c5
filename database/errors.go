package database

import (
	"errors"
	"fmt"
)

// Sentinel errors. Typed errors below match them with errors.Is.
var (
	// ErrInvalid matches every *InvalidError.
	ErrInvalid = errors.New("database: invalid input")
	// ErrNoPrimary is returned by writes when no reachable, writable node
	// is known.
	ErrNoPrimary = errors.New("database: no healthy primary")
	// ErrNoNode is returned by reads when neither a replica nor the
	// primary is healthy.
	ErrNoNode = errors.New("database: no healthy node")
	// ErrClosed is returned by a Router after Close.
	ErrClosed = errors.New("database: router closed")
)

func invalid(input, field, format string, args ...any) *InvalidError {
	return &InvalidError{Input: input, Field: field, Reason: fmt.Sprintf(format, args...)}
}
