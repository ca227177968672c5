package bus

import (
	"context"
	"fmt"

	"github.com/opskit-dev/opskit/bus/metrics"
)

// QueueMetrics reports a queue's ready and unacknowledged counts, consumers
// and publish/deliver rates from the management API (m may be nil). If the
// management API is not configured or does not answer, it falls back to a
// passive declare through c, which gives the ready count and consumers only.
func QueueMetrics(ctx context.Context, c *Conn, m *Management, queue string) (metrics.Queue, error) {
	if queue == "" {
		return metrics.Queue{}, invalid("queue metrics", "queue", "must not be empty")
	}
	var mgmtErr error
	if m != nil && len(m.URLs) > 0 {
		q, err := m.Queue(ctx, queue)
		if err == nil {
			return metrics.Queue{
				Name: queue, Ready: q.MessagesReady, Unacked: q.MessagesUnacknowledged,
				Consumers: q.Consumers, PublishRate: q.MessageStats.PublishDetails.Rate,
				DeliverRate: q.MessageStats.DeliverGetDetails.Rate, AckRate: q.MessageStats.AckDetails.Rate,
				Source: "management",
			}, nil
		}
		mgmtErr = err
	}
	if c == nil {
		return metrics.Queue{}, fmt.Errorf("bus: queue metrics for %q: %w", queue, mgmtErr)
	}
	st, err := c.InspectQueue(ctx, queue)
	if err != nil {
		if mgmtErr != nil {
			return metrics.Queue{}, fmt.Errorf("bus: queue metrics for %q: management: %v; passive declare: %w", queue, mgmtErr, err)
		}
		return metrics.Queue{}, err
	}
	return metrics.Queue{Name: queue, Ready: st.Ready, Consumers: st.Consumers, Source: "passive-declare"}, nil
}
