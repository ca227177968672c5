package logging

import (
	"time"
)

// Metrics is a snapshot of a pipeline's counters.
type Metrics struct {
	// Read counts events accepted into the buffer.
	Read int64
	// Shipped counts events every sink acknowledged and none rejected.
	Shipped int64
	// Retried counts event sends repeated after a failed Write.
	Retried int64
	// Dropped counts events dropped, by reason (ReasonOverflow for the
	// drop-oldest policy, the sinks' rejection reasons otherwise).
	Dropped map[string]int64
	// Batches and Requests count acknowledged batches and the requests
	// sinks reported for them.
	Batches, Requests int64
	// Failures counts failed Write calls; SyncErrors failed checkpoints.
	Failures, SyncErrors int64
	// Buffered and BufferedBytes are what waits in the buffer now.
	Buffered, BufferedBytes int
	// Lag is how long the oldest unacknowledged event has waited since it
	// was read (zero when nothing waits).
	Lag time.Duration
}

// DroppedTotal sums Dropped over all reasons.
func (m Metrics) DroppedTotal() int64 {
	var n int64
	for _, v := range m.Dropped {
		n += v
	}
	return n
}

// Metrics returns a snapshot of the counters.
func (p *Pipeline) Metrics() Metrics {
	m := Metrics{
		Read: p.read.Load(), Shipped: p.shipped.Load(), Retried: p.retried.Load(),
		Batches: p.batches.Load(), Requests: p.requests.Load(),
		Failures: p.failures.Load(), SyncErrors: p.syncErrs.Load(),
		Dropped: map[string]int64{},
	}
	p.mu.Lock()
	for k, v := range p.dropped {
		m.Dropped[k] = v
	}
	p.mu.Unlock()
	p.buf.mu.Lock()
	if p.buf.dropCount > 0 {
		m.Dropped[ReasonOverflow] += p.buf.dropCount
	}
	p.buf.mu.Unlock()
	m.Buffered, m.BufferedBytes = p.buf.len()
	if ns := p.inflightSince.Load(); ns != 0 {
		m.Lag = time.Since(time.Unix(0, ns))
	} else if t, ok := p.buf.oldest(); ok {
		m.Lag = time.Since(t)
	}
	return m
}
