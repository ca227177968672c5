package logging

import (
	"time"

	"github.com/opskit-dev/opskit/internal/backoff"
)

// Backoff spaces retries: exponential from Initial, doubling per attempt up
// to Max, with jitter (each delay is between half and all of its step).
// Attempts count from 0: Delay(0) is the wait before the first retry. Zero
// fields take DefaultBackoff's; negative ones are invalid. It is the one
// backoff policy every opskit package uses (bus.Backoff is the same type).
type Backoff = backoff.Policy

// DefaultBackoff is what zero fields of a Backoff take: 100 ms before the
// first retry, doubling up to 5 s.
var DefaultBackoff = Backoff{Initial: 100 * time.Millisecond, Max: 5 * time.Second}
