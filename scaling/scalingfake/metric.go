package scalingfake

import (
	"context"
	"sync"

	"github.com/opskit-dev/opskit/scaling"
)

// Metric is a metric source whose value the test sets. The zero value
// reads 0.
type Metric struct {
	mu    sync.Mutex
	value float64
	err   error
	reads int
}

// Set makes the metric read v (and clears a failure).
func (m *Metric) Set(v float64) {
	m.mu.Lock()
	m.value, m.err = v, nil
	m.mu.Unlock()
}

// Fail makes the metric fail with err until the next Set.
func (m *Metric) Fail(err error) {
	m.mu.Lock()
	m.err = err
	m.mu.Unlock()
}

// Reads returns how often the metric was read.
func (m *Metric) Reads() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reads
}

// Func returns the metric as a scaling.MetricFunc.
func (m *Metric) Func() scaling.MetricFunc {
	return func(ctx context.Context, _ scaling.GroupState) (float64, error) {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.reads++
		return m.value, m.err
	}
}

// Load is work spread over a group's in-service instances, in units of
// one instance fully busy. CPU reads it as the average utilisation in
// percent of the instances in service, capped at 100 as a real CPU is.
type Load struct {
	mu   sync.Mutex
	work float64
}

// Set sets the work.
func (l *Load) Set(work float64) {
	l.mu.Lock()
	l.work = work
	l.mu.Unlock()
}

// CPU returns the utilisation metric.
func (l *Load) CPU() scaling.MetricFunc {
	return func(ctx context.Context, st scaling.GroupState) (float64, error) {
		l.mu.Lock()
		defer l.mu.Unlock()
		return Utilisation(l.work, st), nil
	}
}

// Utilisation returns work spread over st's in-service instances, in
// percent, capped at 100; with none in service it is 100 if there is
// work, 0 otherwise.
func Utilisation(work float64, st scaling.GroupState) float64 {
	ready, _, _, _ := st.Counts()
	if ready == 0 {
		if work > 0 {
			return 100
		}
		return 0
	}
	return min(100, 100*work/float64(ready))
}
