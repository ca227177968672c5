package logging

import (
	"context"
)

// Sink is what a destination implements. Write ships one batch; the
// pipeline calls it from a single goroutine per sink and never concurrently.
//
// A nil error acknowledges the whole batch: every event was stored, or was
// deliberately not stored and is listed in Result.Rejected with a reason
// (too old, too large, ...), which must never be retried. A non-nil error
// means the batch may be retried as a whole; sinks retry partial failures
// they can classify (per-item 429, throttling) themselves before
// returning. Write must not retain batch or its messages after returning.
type Sink interface {
	Write(ctx context.Context, batch []Event) (Result, error)
	Close(ctx context.Context) error
}

// Result is what a sink reports about an acknowledged batch.
type Result struct {
	// Rejected lists events the sink decided never to store.
	Rejected []Rejection
	// Requests is the number of requests the sink sent for the batch
	// (retries excluded), for packing metrics. Zero if not meaningful.
	Requests int
}

// Rejection names an event a sink dropped on purpose and why.
type Rejection struct {
	// Index is the event's position in the batch passed to Write.
	Index int
	// Reason is a stable, short reason such as "too_old".
	Reason string
}

// Reasons sinks use in Rejection.Reason.
const (
	ReasonTooOld    = "too_old"
	ReasonTooNew    = "too_new"
	ReasonExpired   = "expired"
	ReasonTooLarge  = "too_large"
	ReasonInvalid   = "invalid"   // never storable as it is: no stream where one is needed, a document the cluster cannot parse
	ReasonEmpty     = "empty"     // an empty message where the backend needs at least one character
	ReasonOverflow  = "overflow"  // dropped by the pipeline's drop-oldest policy
	ReasonPermanent = "permanent" // the backend refused it with a non-retryable error
)
