package logging_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// TestCloseTimeoutCountsInFlight closes a pipeline whose sink refuses every
// write: the events the sender holds in its batch are not shipped and must
// be counted in Close's error, along with those still buffered.
func TestCloseTimeoutCountsInFlight(t *testing.T) {
	sink := loggingfake.NewSink(loggingfake.Options{})
	sink.Refuse(loggingfake.ErrRefused)
	p, err := logging.NewPipeline(logging.Options{Linger: -1, BatchEvents: 10, Backoff: logging.Backoff{Initial: 5 * time.Millisecond, Max: 5 * time.Millisecond}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 25; i++ {
		if err := p.Emit(context.Background(), ev(i, nil)); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for sink.Writes() == 0 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = p.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), " 25 events not shipped") {
		t.Fatalf("Close = %v; want 25 events not shipped (10 in flight, 15 buffered) and context.DeadlineExceeded", err)
	}
}
