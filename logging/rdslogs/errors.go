package rdslogs

import "fmt"

// Error is a failed RDS call naming the instance and file.
type Error struct {
	Op, Instance, File string
	Err                error
}

// Error implements error.
func (e *Error) Error() string {
	if e.File != "" {
		return fmt.Sprintf("rdslogs: %s %s file %s: %v", e.Op, e.Instance, e.File, e.Err)
	}
	return fmt.Sprintf("rdslogs: %s %s: %v", e.Op, e.Instance, e.Err)
}

// Unwrap returns the SDK error.
func (e *Error) Unwrap() error { return e.Err }
