package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/logging"
)

// agent runs sources into a pipeline until a signal (or done), then drains.
type agent struct {
	env     *cli.Env
	pipe    *logging.Pipeline
	sources []logging.Source
	savers  []saver
	// drain bounds the flush after the sources stop.
	drain time.Duration
	// every is the interval of the throughput and lag lines.
	every time.Duration
	// done, when set, stops the sources once it reports true (the demo:
	// everything generated has arrived).
	done func(logging.Metrics) bool
	// onTick is called at every poll with the metrics (progress bar).
	onTick func(logging.Metrics)
}

// run ships until ctx ends (SIGINT/SIGTERM), the sources end, or done;
// then it stops the sources, drains the buffer within drain, saves the
// checkpoints and prints the totals.
func (a *agent) run(ctx context.Context) error {
	start := time.Now()
	srcCtx, stop := context.WithCancel(ctx)
	defer stop()
	runErr := make(chan error, 1)
	go func() { runErr <- a.pipe.Run(srcCtx, a.sources...) }()

	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	last, lastAt := int64(0), start
	var srcErr error
	running := true
	for running {
		select {
		case <-ctx.Done():
			running = false
		case srcErr = <-runErr:
			runErr = nil
			running = false
		case now := <-poll.C:
			m := a.pipe.Metrics()
			if a.onTick != nil {
				a.onTick(m)
			}
			if a.done != nil && a.done(m) {
				running = false
			}
			if a.every > 0 && now.Sub(lastAt) >= a.every {
				a.stats(m, float64(m.Shipped-last)/now.Sub(lastAt).Seconds())
				last, lastAt = m.Shipped, now
				a.save()
			}
		}
	}
	stop()
	if runErr != nil {
		srcErr = <-runErr
	}
	if s := cli.Signal(ctx); s != nil {
		a.env.Printf("%s: stopping sources, draining what was read (at most %s)\n", s, a.drain)
	}
	dctx, cancel := context.WithTimeout(context.Background(), a.drain)
	defer cancel()
	closeErr := a.pipe.Close(dctx)
	a.save()
	m := a.pipe.Metrics()
	elapsed := time.Since(start)
	a.env.Printf("shipped %d events in %s (%.0f events/s), dropped %d%s, %d retried writes, %d failed writes\n",
		m.Shipped, elapsed.Round(time.Millisecond), float64(m.Shipped)/elapsed.Seconds(), m.DroppedTotal(), reasons(m.Dropped), m.Retried, m.Failures)
	a.env.Event("totals", "shipped", m.Shipped, "dropped", m.Dropped, "retried", m.Retried, "failures", m.Failures, "seconds", elapsed.Seconds())
	switch {
	case srcErr != nil && closeErr != nil:
		return fmt.Errorf("source: %w; drain: %w", srcErr, closeErr)
	case srcErr != nil:
		return fmt.Errorf("source stopped: %w", srcErr)
	case closeErr != nil:
		return fmt.Errorf("drain incomplete (the rest ships again on restart): %w", closeErr)
	}
	return nil
}

func (a *agent) stats(m logging.Metrics, rate float64) {
	a.env.Printf("shipped %d (%.0f/s)  buffered %d  lag %s  dropped %d  retried %d  failed writes %d\n",
		m.Shipped, rate, m.Buffered, m.Lag.Round(time.Millisecond), m.DroppedTotal(), m.Retried, m.Failures)
	a.env.Event("stats", "shipped", m.Shipped, "rate", rate, "buffered", m.Buffered, "lag_ms", m.Lag.Milliseconds(), "dropped", m.DroppedTotal(), "retried", m.Retried, "failures", m.Failures)
}

func (a *agent) save() {
	for _, s := range a.savers {
		if err := s.save(); err != nil {
			a.env.Log.Warn("checkpoint not saved", "error", err.Error())
		}
	}
}

// reasons formats drop counts by reason: " (empty: 1, too_old: 2)".
func reasons(m map[string]int64) string {
	if len(m) == 0 {
		return ""
	}
	var parts []string
	for r, n := range m {
		parts = append(parts, fmt.Sprintf("%s: %d", r, n))
	}
	sort.Strings(parts)
	return " (" + strings.Join(parts, ", ") + ")"
}
