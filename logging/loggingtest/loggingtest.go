// Package loggingtest is the conformance suite for logging.Sink
// implementations: every rule the logging.Sink doc lists has a case. Run
// writes through the sink and reads back what the backend stored, in the
// spirit of testing/slogtest. opskit runs it once, in logging's
// conformance_test.go, against loggingfake, CloudWatch Logs (moto), the
// bulk sink (on bulkfake) and the tcp sink; run it against your own sink
// or cluster too, with your own Harness:
//
//	func TestConformance(t *testing.T) {
//		loggingtest.Run(t, func(t *testing.T) loggingtest.Harness { return newHarness(t) })
//	}
//
// Every case names its streams after the test and a time-based suffix, so
// cases can share a real backend.
package loggingtest

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Stored is one event as the backend returns it. Read fills Time as the
// backend stores it (at least to the millisecond).
type Stored struct {
	Time    time.Time
	Message string
}

// Capabilities declares what the backend does where sinks may differ.
type Capabilities struct {
	// Deduplicates: a batch written twice is stored once.
	Deduplicates bool
	// Chronological: a stream reads back sorted by time.
	Chronological bool
	// MaxAge and MaxFuture: events older or newer than now by more are
	// rejected (0: not checked).
	MaxAge, MaxFuture time.Duration
	// MaxEventBytes and Oversize: how an oversized message is handled (0:
	// no event limit).
	MaxEventBytes int
	Oversize      logging.Oversize
	// PerEventOverhead is what the backend adds to each event's size.
	PerEventOverhead int
	// RejectsEmpty: an event with an empty message is rejected with
	// logging.ReasonEmpty (CloudWatch requires at least one character)
	// instead of stored.
	RejectsEmpty bool
	// RequiresStream: an event without a Stream is rejected with
	// logging.ReasonInvalid instead of stored; otherwise the suite reads it
	// back from stream "".
	RequiresStream bool
}

// Harness gives the suite one fresh backend: a sink that writes to empty
// storage and a way to read back what the backend stored.
type Harness interface {
	// Sink returns the sink under test, the same one on every call. The
	// suite may close it.
	Sink() logging.Sink
	// Read returns what stream holds, in the order the backend returns
	// it, waiting up to ctx's deadline until at least want events are
	// visible (backends may index lazily).
	Read(ctx context.Context, stream string, want int) ([]Stored, error)
}

// Capable is an optional Harness upgrade: a harness whose backend differs
// from one that stores every event as written, in write order, declares
// how; the cases then expect what the backend does instead (rejections,
// sorting, splitting, deduplication) and skip what it cannot do.
type Capable interface {
	Capabilities() Capabilities
}

// capabilities returns what h declares, or none.
func capabilities(h Harness) Capabilities {
	if c, ok := h.(Capable); ok {
		return c.Capabilities()
	}
	return Capabilities{}
}

// HarnessMaker returns a harness for one test case.
type HarnessMaker func(t *testing.T) Harness

type testCase struct {
	name string
	fn   func(*testing.T, Harness)
}

// Run runs every case as a subtest of t, each with a fresh harness from
// newHarness.
func Run(t *testing.T, newHarness HarnessMaker) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newHarness(t)) })
	}
}

func cases() []testCase {
	return []testCase{
		{"ShipAndReadBack", testShipAndReadBack},
		{"LargeBatch", testLargeBatch},
		{"OutOfOrder", testOutOfOrder},
		{"LongSpan", testLongSpan},
		{"Oversize", testOversize},
		{"TooOldTooNew", testTooOldTooNew},
		{"RetriedBatch", testRetriedBatch},
		{"EmptyBatch", testEmptyBatch},
		{"WriteAfterClose", testWriteAfterClose},
		{"NotRetained", testNotRetained},
		{"BlankLine", testBlankLine},
		{"NoStream", testNoStream},
		{"InvalidUTF8", testInvalidUTF8},
		{"SplitEqualPieces", testSplitEqualPieces},
	}
}
