// Package backoff is the one retry delay policy every opskit package uses:
// exponential growth from an initial delay to a cap, with jitter, counted
// from attempt 0. Packages re-export Policy by type alias (bus.Backoff,
// logging.Backoff), so users never import it.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Policy is an exponential backoff with jitter. The zero value uses the
// defaults the embedding package passes to Delay.
type Policy struct {
	// Initial is the delay before attempt 0 (before jitter).
	Initial time.Duration
	// Max caps the delay.
	Max time.Duration
	// NoJitter makes the delay exactly min(Max, Initial*2^n), for a caller
	// whose decisions must be reproducible on a fake clock (the scaling
	// controller) rather than spread across many clients.
	NoJitter bool
}

// WithDefaults returns p with zero fields taken from d.
func (p Policy) WithDefaults(d Policy) Policy {
	if p.Initial <= 0 {
		p.Initial = d.Initial
	}
	if p.Max <= 0 {
		p.Max = d.Max
	}
	return p
}

// Delay returns the delay before retry attempt n (0-based):
// min(Max, Initial*2^n), scaled by a random factor in [0.5, 1] so that
// clients that failed together do not retry together. Zero fields must
// have been filled (WithDefaults); a zero Initial gives no delay.
func (p Policy) Delay(n int) time.Duration {
	d := p.Initial
	if d <= 0 {
		return 0
	}
	for i := 0; i < n && d < p.Max; i++ {
		d *= 2
	}
	if p.Max > 0 && d > p.Max {
		d = p.Max
	}
	if p.NoJitter {
		return d
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}
