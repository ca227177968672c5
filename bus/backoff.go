package bus

import (
	"time"

	"github.com/opskit-dev/opskit/internal/backoff"
)

// Backoff is an exponential backoff with jitter, the policy every opskit
// package shares. Its fields are Initial, the delay before attempt 0, and
// Max, the cap; Delay(n) returns the delay before attempt n (0-based),
// min(Max, Initial*2^n) scaled by a random factor in [0.5, 1]. In Options,
// zero fields default to 50ms initial and 5s max.
type Backoff = backoff.Policy

// defaultBackoff fills the zero fields of Options.Backoff.
var defaultBackoff = Backoff{Initial: 50 * time.Millisecond, Max: 5 * time.Second}
