// Package loggingtest is the public conformance suite for logging.Sink
// implementations, in the spirit of testing/slogtest: Run writes through
// the sink and reads back what the backend stored. opskit runs it against
// its in-memory fake, CloudWatch Logs (moto) and the bulk sink (the
// in-process bulk server); run it against your own sink or cluster too.
package loggingtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Stored is one event as the backend returns it.
type Stored struct {
	Time    time.Time
	Message string
}

// Backend is a fresh sink plus a way to read back what it stored.
type Backend struct {
	Sink logging.Sink
	// Read returns what stream holds, waiting up to ctx's deadline until
	// at least want events are visible (backends may index lazily).
	Read func(ctx context.Context, stream string, want int) ([]Stored, error)
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

// Harness makes backends for the suite.
type Harness struct {
	// New returns a backend with empty storage for one subtest.
	New  func(t *testing.T) Backend
	Caps Capabilities
}

// Run runs every conformance test as a subtest of t.
func Run(t *testing.T, h Harness) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"ShipAndReadBack", testShipAndReadBack},
		{"LargeBatch", testLargeBatch},
		{"OutOfOrder", testOutOfOrder},
		{"LongSpan", testLongSpan},
		{"Oversize", testOversize},
		{"TooOldTooNew", testTooOldTooNew},
		{"RetriedBatch", testRetriedBatch},
		{"EmptyBatch", testEmptyBatch},
		{"WriteAfterClose", testWriteAfterClose},
		{"BlankLine", testBlankLine},
		{"NoStream", testNoStream},
		{"InvalidUTF8", testInvalidUTF8},
		{"SplitEqualPieces", testSplitEqualPieces},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

func readCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func streamName(t *testing.T, suffix string) string {
	n := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	return fmt.Sprintf("%s-%d-%s", n, time.Now().UnixNano()%1e9, suffix)
}

func event(stream string, at time.Time, msg string, off int64) logging.Event {
	return logging.Event{Time: at, Message: []byte(msg), Stream: stream, Origin: stream, Offset: off}
}

func write(t *testing.T, s logging.Sink, batch []logging.Event) logging.Result {
	t.Helper()
	res, err := s.Write(readCtx(t), batch)
	if err != nil {
		t.Fatalf("Write(%d events) = %v", len(batch), err)
	}
	return res
}

func expect(t *testing.T, b Backend, stream string, want []string) []Stored {
	t.Helper()
	got, err := b.Read(readCtx(t), stream, len(want))
	if err != nil {
		t.Fatalf("Read(%q) = %v", stream, err)
	}
	if len(got) != len(want) {
		t.Fatalf("Read(%q) returned %d events; want %d", stream, len(got), len(want))
	}
	for i := range want {
		if got[i].Message != want[i] {
			t.Fatalf("Read(%q)[%d] = %.80q; want %.80q", stream, i, got[i].Message, want[i])
		}
	}
	return got
}

// testShipAndReadBack ships three streams through a real Pipeline.
func testShipAndReadBack(t *testing.T, h Harness) {
	b := h.New(t)
	p, err := logging.New(logging.Options{BatchEvents: 300, Linger: 10 * time.Millisecond}, b.Sink)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	streams := []string{streamName(t, "a"), streamName(t, "b"), streamName(t, "c")}
	want := map[string][]string{}
	first := map[string]time.Time{}
	for i := 0; i < 900; i++ {
		s := streams[i%3]
		if _, ok := first[s]; !ok {
			first[s] = base.Add(time.Duration(i) * time.Millisecond)
		}
		msg := fmt.Sprintf("line %04d héllo wörld ✓ \"quoted\" \\ tab\t", i)
		want[s] = append(want[s], msg)
		if err := p.Emit(context.Background(), event(s, base.Add(time.Duration(i)*time.Millisecond), msg, int64(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(readCtx(t)); err != nil {
		t.Fatalf("Close = %v", err)
	}
	m := p.Metrics()
	if m.Shipped != 900 || m.DroppedTotal() != 0 {
		t.Fatalf("metrics shipped=%d dropped=%v; want 900 and none", m.Shipped, m.Dropped)
	}
	for _, s := range streams {
		got := expect(t, b, s, want[s])
		for i := 1; i < len(got); i++ {
			if got[i].Time.Before(got[i-1].Time) {
				t.Fatalf("stream %s: event %d time %v before %v", s, i, got[i].Time, got[i-1].Time)
			}
		}
		if got[0].Time.Sub(first[s]).Abs() >= time.Millisecond {
			t.Fatalf("stream %s: first time %v; want %v", s, got[0].Time, first[s])
		}
	}
}

// testLargeBatch writes one batch with more events than one request may hold.
func testLargeBatch(t *testing.T, h Harness) {
	b := h.New(t)
	s := streamName(t, "big")
	now := time.Now().Add(-time.Minute)
	var batch []logging.Event
	var want []string
	pad := strings.Repeat("x", 24)
	for i := 0; i < 10050; i++ { // above CloudWatch's 10,000 events per request
		msg := fmt.Sprintf("%06d %s", i, pad)
		want = append(want, msg)
		batch = append(batch, event(s, now, msg, int64(i+1)))
	}
	res := write(t, b.Sink, batch)
	if len(res.Rejected) != 0 {
		t.Fatalf("rejected %d events; want 0", len(res.Rejected))
	}
	expect(t, b, s, want)
	_ = b.Sink.Close(readCtx(t))
}

// testOutOfOrder writes a batch in reverse time order.
func testOutOfOrder(t *testing.T, h Harness) {
	b := h.New(t)
	s := streamName(t, "ooo")
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	var batch []logging.Event
	var want []string
	for i := 9; i >= 0; i-- {
		batch = append(batch, event(s, base.Add(time.Duration(i)*time.Second), fmt.Sprintf("m%d", i), int64(10-i)))
	}
	write(t, b.Sink, batch)
	for i := 0; i < 10; i++ {
		if h.Caps.Chronological {
			want = append(want, fmt.Sprintf("m%d", i))
		} else {
			want = append(want, fmt.Sprintf("m%d", 9-i))
		}
	}
	expect(t, b, s, want)
}

// testLongSpan writes one batch spanning more than 24 hours.
func testLongSpan(t *testing.T, h Harness) {
	b := h.New(t)
	s := streamName(t, "span")
	now := time.Now()
	ages := []time.Duration{50 * time.Hour, 40 * time.Hour, 26 * time.Hour, time.Hour, time.Minute}
	var batch []logging.Event
	var want []string
	for i, a := range ages {
		msg := fmt.Sprintf("age %v", a)
		want = append(want, msg)
		batch = append(batch, event(s, now.Add(-a), msg, int64(i+1)))
	}
	res := write(t, b.Sink, batch)
	if len(res.Rejected) != 0 {
		t.Fatalf("rejected %v; want none", res.Rejected)
	}
	expect(t, b, s, want)
}

// testOversize writes an event twice the event limit.
func testOversize(t *testing.T, h Harness) {
	if h.Caps.MaxEventBytes == 0 {
		t.Skip("backend declares no event size limit")
	}
	b := h.New(t)
	s := streamName(t, "huge")
	var sb strings.Builder
	for sb.Len() < 2*h.Caps.MaxEventBytes+100 {
		sb.WriteString("é0123456789")
	}
	big := sb.String()
	res := write(t, b.Sink, []logging.Event{event(s, time.Now(), "before", 1), event(s, time.Now(), big, 2), event(s, time.Now(), "after", 3)})
	maxMsg := h.Caps.MaxEventBytes - h.Caps.PerEventOverhead
	switch h.Caps.Oversize {
	case logging.Reject:
		if len(res.Rejected) != 1 || res.Rejected[0].Index != 1 || res.Rejected[0].Reason != logging.ReasonTooLarge {
			t.Fatalf("Rejected = %v; want index 1 too_large", res.Rejected)
		}
		expect(t, b, s, []string{"before", "after"})
	case logging.Truncate:
		got, err := b.Read(readCtx(t), s, 3)
		if err != nil || len(got) != 3 {
			t.Fatalf("Read = %d events, %v; want 3", len(got), err)
		}
		m := got[1].Message
		if len(m) > maxMsg || !strings.HasSuffix(m, logging.TruncateSuffix) || !strings.HasPrefix(big, strings.TrimSuffix(m, logging.TruncateSuffix)) {
			t.Fatalf("truncated message of %d bytes is not a prefix plus %q within %d bytes", len(m), logging.TruncateSuffix, maxMsg)
		}
	default:
		got, err := b.Read(readCtx(t), s, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 4 || got[0].Message != "before" || got[len(got)-1].Message != "after" {
			t.Fatalf("Read = %d events; want before, ≥2 parts, after", len(got))
		}
		var joined strings.Builder
		for _, g := range got[1 : len(got)-1] {
			if len(g.Message) > maxMsg {
				t.Fatalf("part of %d bytes exceeds %d", len(g.Message), maxMsg)
			}
			joined.WriteString(g.Message)
		}
		if joined.String() != big {
			t.Fatalf("parts joined (%d bytes) differ from the original (%d bytes)", joined.Len(), len(big))
		}
	}
}

// testTooOldTooNew writes events outside the accepted window.
func testTooOldTooNew(t *testing.T, h Harness) {
	if h.Caps.MaxAge == 0 && h.Caps.MaxFuture == 0 {
		t.Skip("backend declares no time window")
	}
	b := h.New(t)
	s := streamName(t, "window")
	now := time.Now()
	batch := []logging.Event{event(s, now.Add(-time.Minute), "ok1", 1)}
	if h.Caps.MaxAge > 0 {
		batch = append(batch, event(s, now.Add(-h.Caps.MaxAge-time.Hour), "old", 2))
	}
	if h.Caps.MaxFuture > 0 {
		batch = append(batch, event(s, now.Add(h.Caps.MaxFuture+time.Hour), "new", 3))
	}
	batch = append(batch, event(s, now, "ok2", 4))
	res := write(t, b.Sink, batch)
	reasons := map[string]int{}
	for _, r := range res.Rejected {
		reasons[r.Reason]++
		if m := string(batch[r.Index].Message); m != "old" && m != "new" {
			t.Fatalf("rejected %q (%s); want only old/new", m, r.Reason)
		}
	}
	if h.Caps.MaxAge > 0 && reasons[logging.ReasonTooOld] != 1 {
		t.Fatalf("rejections %v; want one %s", reasons, logging.ReasonTooOld)
	}
	if h.Caps.MaxFuture > 0 && reasons[logging.ReasonTooNew] != 1 {
		t.Fatalf("rejections %v; want one %s", reasons, logging.ReasonTooNew)
	}
	expect(t, b, s, []string{"ok1", "ok2"})
}

// testRetriedBatch writes the same batch twice, as a pipeline does after a
// lost acknowledgement.
func testRetriedBatch(t *testing.T, h Harness) {
	b := h.New(t)
	s := streamName(t, "retry")
	now := time.Now().Add(-time.Second)
	var batch []logging.Event
	var want []string
	for i := 0; i < 20; i++ {
		m := fmt.Sprintf("r%02d", i)
		batch = append(batch, event(s, now, m, int64(i+1)))
		want = append(want, m)
	}
	write(t, b.Sink, batch)
	write(t, b.Sink, batch)
	if !h.Caps.Deduplicates {
		want = append(want, want...)
		if h.Caps.Chronological {
			var w []string
			for _, m := range want[:20] {
				w = append(w, m, m)
			}
			// Equal timestamps: the backend may interleave; compare as a multiset.
			got, err := b.Read(readCtx(t), s, 40)
			if err != nil || len(got) != 40 {
				t.Fatalf("Read = %d, %v; want 40", len(got), err)
			}
			count := map[string]int{}
			for _, g := range got {
				count[g.Message]++
			}
			for _, m := range w {
				if count[m] != 2 {
					t.Fatalf("%s stored %d times; want 2", m, count[m])
				}
			}
			return
		}
	}
	expect(t, b, s, want)
}

func testEmptyBatch(t *testing.T, h Harness) {
	b := h.New(t)
	res := write(t, b.Sink, nil)
	if len(res.Rejected) != 0 {
		t.Fatalf("Rejected = %v; want none", res.Rejected)
	}
}

func testWriteAfterClose(t *testing.T, h Harness) {
	b := h.New(t)
	if err := b.Sink.Close(readCtx(t)); err != nil {
		t.Fatalf("Close = %v", err)
	}
	_, err := b.Sink.Write(readCtx(t), []logging.Event{event("x", time.Now(), "late", 1)})
	if !errors.Is(err, logging.ErrClosed) {
		t.Fatalf("Write after Close = %v; want logging.ErrClosed", err)
	}
}
