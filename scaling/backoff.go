package scaling

import "time"

// backoff is an exponential backoff without jitter (decisions stay
// reproducible on a fake clock): attempt 1 waits base, each next attempt
// twice as long, up to max. It is written to move to internal/backoff once
// that package exists.
type backoff struct {
	base, max time.Duration
}

// delay returns the wait after the attempt-th consecutive failure (1-based).
func (b backoff) delay(attempt int) time.Duration {
	if attempt < 1 {
		return 0
	}
	d := b.base
	for i := 1; i < attempt && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}
