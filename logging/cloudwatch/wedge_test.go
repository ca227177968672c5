package cloudwatch_test

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
)

// ship sends events through a pipeline into a sink over the recording
// endpoint, which refuses requests as PutLogEvents does, and closes it
// with a deadline a retried batch would miss.
func ship(t *testing.T, opts cloudwatch.Options, evs ...logging.Event) (*recording, logging.Metrics) {
	t.Helper()
	r := &recording{events: map[string][]string{}, t: t}
	opts.Group = "g"
	s, err := cloudwatch.NewSink(r, opts)
	if err != nil {
		t.Fatal(err)
	}
	p, err := logging.NewPipeline(logging.Options{Linger: -1, Backoff: logging.Backoff{Initial: 10 * time.Millisecond, Max: 10 * time.Millisecond}}, s)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Emit(context.Background(), evs...); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close = %v; want the batch shipped", err)
	}
	return r, p.Metrics()
}

// TestBlankLineDoesNotWedge ships a blank line between two others: it is
// skipped and counted, never sent (PutLogEvents would refuse the whole
// request, retried until Close), and the lines around it are shipped.
func TestBlankLineDoesNotWedge(t *testing.T) {
	now := time.Now()
	r, m := ship(t, cloudwatch.Options{Stream: "app"},
		logging.Event{Time: now, Message: []byte("before")},
		logging.Event{Time: now, Message: []byte("")},
		logging.Event{Time: now, Message: []byte("after")})
	if got := r.events["app"]; len(got) != 2 || got[0] != "before" || got[1] != "after" {
		t.Fatalf("stored %q; want before, after", got)
	}
	if m.Shipped != 2 || m.Dropped[logging.ReasonEmpty] != 1 || m.Failures != 0 {
		t.Fatalf("metrics shipped=%d dropped=%v failures=%d; want 2 shipped, 1 empty, no failure", m.Shipped, m.Dropped, m.Failures)
	}
}

// TestNoStreamRejectedUpFront ships an event with no stream through a sink
// with no default stream: that event is rejected as invalid before any
// request, and the others are shipped.
func TestNoStreamRejectedUpFront(t *testing.T) {
	now := time.Now()
	r, m := ship(t, cloudwatch.Options{},
		logging.Event{Time: now, Stream: "app", Message: []byte("first")},
		logging.Event{Time: now, Message: []byte("orphan")},
		logging.Event{Time: now, Stream: "app", Message: []byte("second")})
	if got := r.events["app"]; len(got) != 2 || got[0] != "first" || got[1] != "second" {
		t.Fatalf("stored %q; want first, second", got)
	}
	if m.Shipped != 2 || m.Dropped[logging.ReasonInvalid] != 1 || m.Failures != 0 {
		t.Fatalf("metrics shipped=%d dropped=%v failures=%d; want 2 shipped, 1 invalid, no failure", m.Shipped, m.Dropped, m.Failures)
	}
}
