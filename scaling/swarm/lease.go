package swarm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/scaling"
)

// LabelLease holds the controller lease on a service: the holder's name
// and the expiry (RFC 3339), separated by a space.
const LabelLease = "opskit.scaling.lease"

var _ scaling.Leaser = (*Service)(nil)

// AcquireLease implements scaling.Leaser with the service label
// LabelLease, written with the service version: of two controllers racing
// for a free lease, the engine refuses the second write as out of
// sequence, and the second then reads the first one's lease. Service
// labels do not restart tasks.
func (s *Service) AcquireLease(ctx context.Context, holder string, now time.Time, ttl time.Duration) (scaling.Lease, error) {
	if holder == "" || strings.ContainsAny(holder, " \n") {
		return scaling.Lease{}, &scaling.InvalidError{Input: fmt.Sprintf("service %q", s.id), Field: "holder", Reason: "empty or contains a space"}
	}
	for try := 0; try < s.opts.Retries; try++ {
		svc, err := s.inspect(ctx)
		if err != nil {
			return scaling.Lease{}, err
		}
		cur := parseLease(svc.Spec.Labels[LabelLease])
		if cur.Holder != "" && cur.Holder != holder && now.Before(cur.Expires) {
			return cur, nil
		}
		next := scaling.Lease{Holder: holder, Expires: now.Add(ttl).UTC()}
		spec := svc.Spec
		labels := make(map[string]string, len(spec.Labels)+1)
		for k, v := range spec.Labels {
			labels[k] = v
		}
		labels[LabelLease] = next.Holder + " " + next.Expires.Format(time.RFC3339Nano)
		spec.Labels = labels
		_, err = s.api.ServiceUpdate(ctx, svc.ID, client.ServiceUpdateOptions{Version: svc.Version, Spec: spec})
		if err == nil {
			return next, nil
		}
		if !isOutOfSequence(err) {
			return scaling.Lease{}, fmt.Errorf("swarm: service %q: lease: %w", s.id, err)
		}
	}
	return scaling.Lease{}, fmt.Errorf("swarm: service %q: lease: %w", s.id, scaling.ErrConflict)
}

// parseLease reads a lease label; a malformed one counts as free.
func parseLease(v string) scaling.Lease {
	holder, at, ok := strings.Cut(v, " ")
	if !ok {
		return scaling.Lease{}
	}
	exp, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return scaling.Lease{}
	}
	return scaling.Lease{Holder: holder, Expires: exp}
}
