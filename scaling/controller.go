package scaling

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/internal/backoff"
)

// ControllerOptions configure a Controller. The zero value works.
type ControllerOptions struct {
	// Clock is the time the controller runs on; nil is the wall clock.
	Clock Clock
	// Interval is the time between rounds of Run; zero means 15 s.
	Interval time.Duration
	// Logger receives one record per decision; nil discards them. Changes
	// log at Info, holds at Debug, backend errors at Warn.
	Logger *slog.Logger
	// OnDecision, if set, is called with every decision, from the
	// goroutine that runs Tick.
	OnDecision func(Decision)
	// Holder names this controller in leases. When set, groups whose
	// backend implements Leaser are scaled only while this controller
	// holds their lease; the others stand by and take over when it lapses.
	Holder string
	// LeaseTTL is how long a lease lasts unless renewed (every round);
	// zero means three Intervals.
	LeaseTTL time.Duration
	// RetryBase and RetryMax bound the backoff after a backend error:
	// RetryBase after the first, doubling up to RetryMax. Zero means 5 s
	// and 5 min.
	RetryBase, RetryMax time.Duration
}

// GroupConfig is one group the Controller scales.
type GroupConfig struct {
	// Name names the group in decisions and logs; unique per Controller.
	Name string
	// Group is the backend.
	Group Group
	// Spec is how it scales.
	Spec Spec
	// Metrics read the metrics the Spec's policies name.
	Metrics map[string]MetricFunc
}

// Controller scales any number of groups: each round it reads a group's
// state and metrics, asks the engine, acts through the backend, and keeps
// the history the windows need. After a backend error the group is left
// alone for a backoff, then decided afresh (the recommendation is kept in
// the history, so nothing is lost). A new Controller does not scale a
// group in before it has observed it for a whole scale-in window. It may
// be stopped at any moment: a write to a backend is one call, never half
// done.
type Controller struct {
	opts    ControllerOptions
	log     *slog.Logger
	retry   backoff.Policy
	tick    sync.Mutex // one round at a time
	mu      sync.Mutex
	groups  []*managed
	names   map[string]bool
	closed  bool
	running chan struct{} // closed when Run returns; nil if not running
	cancel  context.CancelFunc
}

type managed struct {
	cfg      GroupConfig
	eng      *Engine
	hist     History
	failures int
	retryAt  time.Time
	metrics  map[string]Reading
	leader   bool // held the lease at the last round
}

// NewController returns a controller with no groups.
func NewController(opts ControllerOptions) (*Controller, error) {
	if opts.Interval < 0 || opts.RetryBase < 0 || opts.RetryMax < 0 {
		return nil, invalid("ControllerOptions", "Interval", "negative duration")
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Interval == 0 {
		opts.Interval = 15 * time.Second
	}
	if opts.LeaseTTL < 0 {
		return nil, invalid("ControllerOptions", "LeaseTTL", "negative duration")
	}
	if opts.LeaseTTL == 0 {
		opts.LeaseTTL = 3 * opts.Interval
	}
	if opts.RetryBase == 0 {
		opts.RetryBase = 5 * time.Second
	}
	if opts.RetryMax == 0 {
		opts.RetryMax = 5 * time.Minute
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Controller{opts: opts, log: log, retry: backoff.Policy{Initial: opts.RetryBase, Max: opts.RetryMax, NoJitter: true}, names: map[string]bool{}}, nil
}

// Add validates cfg and adds its group; the next round decides for it.
func (c *Controller) Add(cfg GroupConfig) error {
	in := fmt.Sprintf("group %q", cfg.Name)
	if cfg.Name == "" {
		return invalid("group", "Name", "empty")
	}
	if cfg.Group == nil {
		return invalid(in, "Group", "nil")
	}
	eng, err := NewEngine(cfg.Spec)
	if err != nil {
		return fmt.Errorf("scaling: %s: %w", in, err)
	}
	for _, p := range cfg.Spec.Policies {
		if m := policyMetric(p); cfg.Metrics[m] == nil {
			return invalid(in, "Metrics", "no function for metric %q of policy %q", m, p.PolicyName())
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	if c.names[cfg.Name] {
		return invalid(in, "Name", "already added")
	}
	c.names[cfg.Name] = true
	c.groups = append(c.groups, &managed{cfg: cfg, eng: eng, metrics: make(map[string]Reading, len(cfg.Metrics))})
	return nil
}

func policyMetric(p Policy) string {
	switch p := p.(type) {
	case *TargetTracking:
		return p.Metric
	case *StepScaling:
		return p.Metric
	case *Backlog:
		return p.Metric
	}
	return ""
}

// Tick runs one round over every group, one after another, and returns
// the first context error if ctx ended; backend errors are reported in
// decisions, not returned. Rounds never overlap: a Tick waits for the one
// in progress.
func (c *Controller) Tick(ctx context.Context) error {
	c.tick.Lock()
	defer c.tick.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	groups := append([]*managed(nil), c.groups...)
	c.mu.Unlock()
	for _, m := range groups {
		if err := ctx.Err(); err != nil {
			return err
		}
		c.step(ctx, m)
	}
	return nil
}

// conflictRetries is how often a round re-reads and re-decides a group
// whose backend reported a version conflict.
const conflictRetries = 3

func (c *Controller) step(ctx context.Context, m *managed) {
	now := c.opts.Clock.Now()
	if now.Before(m.retryAt) {
		return
	}
	if l, ok := m.cfg.Group.(Leaser); ok && c.opts.Holder != "" {
		lease, err := l.AcquireLease(ctx, c.opts.Holder, now, c.opts.LeaseTTL)
		if err != nil || lease.Holder != c.opts.Holder {
			if m.leader || err != nil {
				// Lost the lease (or cannot tell): forget the history, so
				// that on taking over again a whole scale-in window is
				// observed first.
				m.hist, m.leader = History{}, false
			}
			d := Decision{Group: m.cfg.Name, At: now, Reason: fmt.Sprintf("standby: lease held by %q until %s", lease.Holder, lease.Expires.Format(time.RFC3339))}
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				m.failures++
				m.retryAt = now.Add(c.retry.Delay(m.failures - 1))
				d.Err = fmt.Errorf("scaling: group %q: lease: %w", m.cfg.Name, err)
				d.Reason = "lease unknown"
			}
			c.report(ctx, d)
			return
		}
		m.leader = true
	}
	var d Decision
	var err error
	for try := 0; ; try++ {
		d, err = c.decide(ctx, m, now)
		if err == nil && d.Desired != d.Current && !d.DryRun {
			err = m.cfg.Group.SetDesired(ctx, d.Desired)
			d.Applied = err == nil
		}
		if !errors.Is(err, ErrConflict) || try+1 >= conflictRetries || ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return // stopped: nothing was decided that needs remembering
		}
		m.failures++
		wait := c.retry.Delay(m.failures - 1)
		m.retryAt = now.Add(wait)
		d.Err = fmt.Errorf("scaling: group %q: %w", m.cfg.Name, err)
		d.Reason += fmt.Sprintf("; backend error, retry in %v", wait)
	} else {
		m.failures, m.retryAt = 0, time.Time{}
	}
	if d.Policies != nil {
		m.hist.Record(d, d.Applied)
	}
	c.report(ctx, d)
}

func (c *Controller) decide(ctx context.Context, m *managed, now time.Time) (Decision, error) {
	st, err := m.cfg.Group.State(ctx)
	if err != nil {
		return Decision{Group: m.cfg.Name, At: now, Reason: "reading state failed"}, err
	}
	clear(m.metrics)
	for name, f := range m.cfg.Metrics {
		v, err := f(ctx, st)
		m.metrics[name] = Reading{Value: v, Err: err}
	}
	d := m.eng.Decide(Input{Now: now, State: st, Metrics: m.metrics, History: &m.hist})
	d.Group = m.cfg.Name
	return d, nil
}

func (c *Controller) report(ctx context.Context, d Decision) {
	level := slog.LevelDebug
	switch {
	case d.Err != nil:
		level = slog.LevelWarn
	case d.Direction != Hold:
		level = slog.LevelInfo
	}
	if h := c.log.Handler(); h.Enabled(ctx, level) {
		// The record carries the decision's time, which is the clock's.
		r := slog.NewRecord(d.At, level, d.Reason, 0)
		r.AddAttrs(slog.String("group", d.Group), slog.String("direction", d.Direction.String()),
			slog.Int("current", d.Current), slog.Int("desired", d.Desired), slog.Bool("applied", d.Applied))
		for _, p := range d.Policies {
			r.AddAttrs(slog.Group(p.Metric, slog.Float64("value", p.Value), slog.Bool("missing", p.Missing),
				slog.Int("recommends", p.Recommends)))
		}
		if d.Err != nil {
			r.AddAttrs(slog.String("error", d.Err.Error()))
		}
		_ = h.Handle(ctx, r)
	}
	if c.opts.OnDecision != nil {
		c.opts.OnDecision(d)
	}
}

// Run runs a round every Interval until ctx ends or Close is called; it
// returns nil after Close, ctx's error otherwise.
func (c *Controller) Run(ctx context.Context) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	if c.running != nil {
		c.mu.Unlock()
		return fmt.Errorf("scaling: controller already running")
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	c.running, c.cancel = done, cancel
	c.mu.Unlock()
	defer close(done)
	defer cancel()
	for {
		err := c.Tick(ctx)
		if err == nil {
			select {
			case <-ctx.Done():
				err = ctx.Err()
			case <-c.opts.Clock.After(c.opts.Interval):
				continue
			}
		}
		if c.isClosed() {
			return nil
		}
		return err
	}
}

func (c *Controller) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Close stops Run, waits for it to return, and refuses further use.
func (c *Controller) Close() error {
	c.mu.Lock()
	c.closed = true
	done, cancel := c.running, c.cancel
	c.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
	return nil
}
