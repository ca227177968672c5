package cloudwatch

import (
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Options configures a Sink.
type Options struct {
	// Group is the log group (required).
	Group string
	// Stream is used for events whose Stream is empty; without it such
	// events are rejected with logging.ReasonInvalid.
	Stream string
	// NoCreate disables creating the group and streams on demand.
	NoCreate bool
	// RetentionDays is set on a group the sink creates (0: never expire).
	// It must be one of the values CloudWatch accepts.
	RetentionDays int32
	// MaxEventBytes is the event size limit including the 26-byte
	// overhead (default 262,144; CloudWatch now accepts up to 1 MiB).
	MaxEventBytes int
	// Oversize is Split (default), Truncate or Reject.
	Oversize logging.Oversize
	// Parallel bounds the streams written concurrently (default 4); the
	// requests of one stream are sent in order.
	Parallel int
	// MaxAttempts bounds attempts of one request on throttling (default 8).
	MaxAttempts int
	// Backoff spaces throttling retries (zero fields take
	// logging.DefaultBackoff's).
	Backoff logging.Backoff
	// Now is the clock for the age checks (default time.Now).
	Now func() time.Time
}

var validRetention = map[int32]bool{1: true, 3: true, 5: true, 7: true, 14: true, 30: true, 60: true, 90: true, 120: true,
	150: true, 180: true, 365: true, 400: true, 545: true, 731: true, 1096: true, 1827: true, 2192: true, 2557: true,
	2922: true, 3288: true, 3653: true}
