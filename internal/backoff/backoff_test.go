package backoff

import (
	"testing"
	"time"
)

func TestDelay(t *testing.T) {
	p := Policy{Initial: 100 * time.Millisecond, Max: time.Second}
	for n, want := range []time.Duration{100, 200, 400, 800, 1000, 1000, 1000} {
		want *= time.Millisecond
		for range 50 {
			if d := p.Delay(n); d < want/2 || d > want {
				t.Fatalf("Delay(%d) = %v; want in [%v, %v]", n, d, want/2, want)
			}
		}
	}
	if d := p.Delay(1 << 20); d > time.Second {
		t.Fatalf("Delay of a huge attempt = %v; want capped at 1s", d)
	}
}

func TestWithDefaults(t *testing.T) {
	got := Policy{Max: 2 * time.Second}.WithDefaults(Policy{Initial: 50 * time.Millisecond, Max: 5 * time.Second})
	if got.Initial != 50*time.Millisecond || got.Max != 2*time.Second {
		t.Fatalf("WithDefaults = %+v", got)
	}
	if d := (Policy{}).Delay(3); d != 0 {
		t.Fatalf("zero policy delay = %v; want 0", d)
	}
}

func TestNoJitter(t *testing.T) {
	p := Policy{Initial: time.Second, Max: 8 * time.Second, NoJitter: true}
	for n, want := range []time.Duration{1, 2, 4, 8, 8} {
		if d := p.Delay(n); d != want*time.Second {
			t.Fatalf("Delay(%d) = %v; want %v", n, d, want*time.Second)
		}
	}
}
