package database

import (
	"errors"
	"fmt"
)

// ErrNoPrimary is returned by writes when no reachable, writable node is known.
var ErrNoPrimary = errors.New("database: no healthy primary")

// ErrNoNode is returned by reads when neither a replica nor the primary is healthy.
var ErrNoNode = errors.New("database: no healthy node")

// ErrClosed is returned by a Router after Close.
var ErrClosed = errors.New("database: router closed")

// ConfigError reports invalid input (a DSN, an option, a plan entry). Input
// names the offending input; the value itself is never included because DSNs
// can carry passwords.
type ConfigError struct {
	Input string
	Err   error
}

func (e *ConfigError) Error() string {
	return fmt.Sprintf("database: invalid %s: %v", e.Input, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }
