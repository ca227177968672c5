package bus

import (
	"testing"
	"time"
)

// TestBackoffDefaults checks that a Conn's zero Backoff fields become 50ms
// initial and 5s max, and that fields the caller set are kept.
func TestBackoffDefaults(t *testing.T) {
	opts := Options{URLs: []string{"amqp://node1:5672/"}}
	if _, err := opts.normalize(); err != nil {
		t.Fatal(err)
	}
	if got, want := opts.Backoff, (Backoff{Initial: 50 * time.Millisecond, Max: 5 * time.Second}); got != want {
		t.Fatalf("normalized zero Backoff = %+v; want %+v", got, want)
	}
	for range 50 {
		if d := opts.Backoff.Delay(100); d < 2500*time.Millisecond || d > 5*time.Second {
			t.Fatalf("default Delay(100) = %v; want within [2.5s, 5s]", d)
		}
		if d := opts.Backoff.Delay(0); d < 25*time.Millisecond || d > 50*time.Millisecond {
			t.Fatalf("default Delay(0) = %v; want within [25ms, 50ms]", d)
		}
	}

	opts = Options{URLs: []string{"amqp://node1:5672/"}, Backoff: Backoff{Max: time.Second}}
	if _, err := opts.normalize(); err != nil {
		t.Fatal(err)
	}
	if got, want := opts.Backoff, (Backoff{Initial: 50 * time.Millisecond, Max: time.Second}); got != want {
		t.Fatalf("normalized Backoff{Max: 1s} = %+v; want %+v", got, want)
	}
}
