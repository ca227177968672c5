package scaling

import (
	"context"
	"time"
)

// Leaser is an optional Group upgrade: backends that can keep a lease on
// the group itself (a service label, an Auto Scaling group tag) let
// several Controllers run for one group, one acting and the others
// standing by, as HPA's controller manager runs with leader election.
//
// Rules, checked by scaling/scalingtest (LeaseExclusive, LeaseRace):
//   - AcquireLease grants the lease to holder until now+ttl when it is
//     free, expired at now, or already held by holder, and otherwise
//     leaves it unchanged; either way it returns the lease in force.
//   - The write is made with the backend's version check, so of two
//     holders racing for a free lease exactly one gets it.
type Leaser interface {
	AcquireLease(ctx context.Context, holder string, now time.Time, ttl time.Duration) (Lease, error)
}

// Lease is who may act on a group, and until when.
type Lease struct {
	// Holder names the Controller holding the lease.
	Holder string
	// Expires is when the lease lapses unless renewed.
	Expires time.Time
}
