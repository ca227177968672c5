package logging

import (
	"context"
)

// Sink is what a destination implements; a Pipeline writes to one or
// more. Every Sink follows these rules, checked by logging/loggingtest
// (the case names are in parentheses):
//
//   - Write ships one batch. The pipeline calls it from one goroutine per
//     sink, never concurrently; an empty batch is a no-op (EmptyBatch).
//   - A nil error acknowledges the whole batch: every event was stored
//     (ShipAndReadBack, LargeBatch, LongSpan), or was deliberately not
//     stored and is listed once in Result.Rejected, by its index in batch,
//     with a reason (ReasonTooOld, ...) that must never be retried
//     (TooOldTooNew, BlankLine, NoStream; every case checks the Result).
//   - A non-nil error means the batch may be written again as a whole;
//     sinks retry partial failures they can classify (per-item 429,
//     throttling) themselves before returning. A batch written twice is
//     stored twice at most, once by a sink that deduplicates
//     (RetriedBatch, SplitEqualPieces).
//   - A stream reads back in the order written, or sorted by time where
//     the backend sorts (OutOfOrder).
//   - A message over the backend's event limit is split, truncated or
//     rejected as the sink's Oversize says (Oversize), and invalid UTF-8
//     is stored with each invalid byte replaced by U+FFFD (InvalidUTF8).
//   - Write does not retain batch or its messages after returning
//     (NotRetained).
//   - After Close, Write returns ErrClosed (WriteAfterClose).
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
