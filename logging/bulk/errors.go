package bulk

import "fmt"

// Error is an HTTP-level failure of a bulk request.
type Error struct {
	// Status is the HTTP status, or 429 when items were still rejected
	// after Options.MaxAttempts.
	Status int
	// Reason is the cluster's error text or what the sink saw.
	Reason string
}

// Error implements error.
func (e *Error) Error() string { return fmt.Sprintf("bulk: HTTP %d: %s", e.Status, e.Reason) }
