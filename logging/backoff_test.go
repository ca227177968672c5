package logging_test

import (
	"errors"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// TestDefaultBackoff checks the defaults kept from the old 1-based
// function (100 ms first, 5 s cap) now that attempts count from 0.
func TestDefaultBackoff(t *testing.T) {
	for _, tc := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{5, 1600 * time.Millisecond, 3200 * time.Millisecond},
		{6, 2500 * time.Millisecond, 5 * time.Second},
		{60, 2500 * time.Millisecond, 5 * time.Second},
	} {
		for i := 0; i < 20; i++ {
			if d := logging.DefaultBackoff.Delay(tc.attempt); d < tc.min || d > tc.max {
				t.Fatalf("DefaultBackoff.Delay(%d) = %v; want in [%v, %v]", tc.attempt, d, tc.min, tc.max)
			}
		}
	}
	b := logging.Backoff{Initial: time.Second}.WithDefaults(logging.DefaultBackoff)
	if b.Initial != time.Second || b.Max != 5*time.Second {
		t.Fatalf("Backoff{Initial: 1s} with defaults = %+v; want Initial 1s, Max 5s", b)
	}
}

func TestNegativeBackoffInvalid(t *testing.T) {
	_, err := logging.NewPipeline(logging.Options{Backoff: logging.Backoff{Max: -1}}, loggingfake.NewSink(loggingfake.Options{}))
	var ie *logging.InvalidError
	if !errors.As(err, &ie) || ie.Field != "Backoff" || !errors.Is(err, logging.ErrInvalid) {
		t.Fatalf("New with a negative Backoff.Max = %v; want *InvalidError for Backoff", err)
	}
}
