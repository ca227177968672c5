package logging

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Pipeline moves events from sources through a bounded buffer to sinks.
type Pipeline struct {
	opts  Options
	sinks []Sink
	buf   *buffer

	sendCtx    context.Context
	cancelSend context.CancelFunc
	done       chan struct{}
	closeOnce  sync.Once
	closeErr   error

	read, shipped, retried, batches, requests, failures, syncErrs atomic.Int64
	inflightSince                                                 atomic.Int64 // unix nanos of oldest in-flight event, 0 if none
	inflight                                                      atomic.Int64 // events taken from the buffer and not yet acknowledged
	mu                                                            sync.Mutex
	dropped                                                       map[string]int64
}

// NewPipeline starts a pipeline that writes to sinks. Close it to flush.
func NewPipeline(opts Options, sinks ...Sink) (*Pipeline, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	if len(sinks) == 0 {
		return nil, &InvalidError{Input: "NewPipeline", Field: "sinks", Reason: "at least one sink is required"}
	}
	for i, s := range sinks {
		if s == nil {
			return nil, &InvalidError{Input: "NewPipeline", Field: fmt.Sprintf("sinks[%d]", i), Reason: "nil sink"}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pipeline{
		opts: opts, sinks: sinks,
		buf:     newBuffer(opts.BufferEvents, opts.BufferBytes, opts.Policy),
		sendCtx: ctx, cancelSend: cancel,
		done:    make(chan struct{}),
		dropped: map[string]int64{},
	}
	go p.sender()
	return p, nil
}

// Emit buffers events (see Emitter).
func (p *Pipeline) Emit(ctx context.Context, evs ...Event) error {
	n, err := p.buf.put(ctx, evs)
	p.read.Add(int64(n))
	return err
}

// Run runs sources until ctx is done or all of them return, and returns
// the first error other than a context cancellation. It does not close the
// pipeline.
func (p *Pipeline) Run(ctx context.Context, sources ...Source) error {
	var wg sync.WaitGroup
	errs := make([]error, len(sources))
	for i, s := range sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.Run(ctx, p)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrClosed) {
			return err
		}
	}
	return nil
}

// Close stops accepting events, ships what is buffered until ctx ends,
// then closes the sinks. If ctx ends first, the rest is abandoned (its
// checkpoints never advanced, so a restart ships it again) and the error
// says how many events were left: those still buffered plus the batch
// being sent, which not every sink acknowledged.
func (p *Pipeline) Close(ctx context.Context) error {
	p.closeOnce.Do(func() {
		p.buf.close()
		select {
		case <-p.done:
		case <-ctx.Done():
			p.cancelSend()
			<-p.done
			n, _ := p.buf.len()
			n += int(p.inflight.Load())
			p.closeErr = fmt.Errorf("logging: close: %d events not shipped: %w", n, ctx.Err())
		}
		p.cancelSend()
		for _, s := range p.sinks {
			if err := s.Close(ctx); err != nil && p.closeErr == nil {
				p.closeErr = fmt.Errorf("logging: close sink: %w", err)
			}
		}
	})
	return p.closeErr
}

func (p *Pipeline) sender() {
	defer close(p.done)
	var batch []Event
	acked := make([]bool, len(p.sinks))
	results := make([]Result, len(p.sinks))
	for {
		var drops []ackPoint
		var ok bool
		batch, drops, ok = p.buf.take(batch[:0], p.opts.BatchEvents, p.opts.BatchBytes, p.opts.Linger)
		if !ok {
			return
		}
		syncers := map[Syncer]struct{}{}
		for _, d := range drops {
			d.acker.Ack(d.offset)
			if s, ok := d.acker.(Syncer); ok {
				syncers[s] = struct{}{}
			}
		}
		if len(batch) > 0 {
			p.inflightSince.Store(batch[0].enqueued.UnixNano())
			p.inflight.Store(int64(len(batch)))
			if !p.send(batch, acked, results) {
				return // cancelled by Close's deadline: nothing acknowledged
			}
			p.account(batch, results)
			for i := range batch {
				a := batch[i].Acker
				if a == nil {
					continue
				}
				// Ack only the last event of each run of one acker.
				if i+1 < len(batch) && batch[i+1].Acker == a {
					continue
				}
				a.Ack(batch[i].Offset)
				if s, ok := a.(Syncer); ok {
					syncers[s] = struct{}{}
				}
			}
			p.inflightSince.Store(0)
			p.inflight.Store(0)
		}
		for s := range syncers {
			if err := s.Sync(); err != nil {
				p.syncErrs.Add(1)
				if p.opts.OnError != nil {
					p.opts.OnError(-1, err)
				}
			}
		}
		clear(batch)
	}
}

// send writes batch to every sink not yet acknowledged, retrying until all
// acknowledged; it returns false if the pipeline was cancelled.
func (p *Pipeline) send(batch []Event, acked []bool, results []Result) bool {
	clear(acked)
	var wg sync.WaitGroup
	for i, s := range p.sinks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for attempt := 0; ; attempt++ {
				res, err := s.Write(p.sendCtx, batch)
				if err == nil {
					results[i], acked[i] = res, true
					return
				}
				p.failures.Add(1)
				if p.opts.OnError != nil {
					p.opts.OnError(i, err)
				}
				t := time.NewTimer(p.opts.Backoff.Delay(attempt))
				select {
				case <-p.sendCtx.Done():
					t.Stop()
					return
				case <-t.C:
				}
				p.retried.Add(int64(len(batch)))
			}
		}()
	}
	wg.Wait()
	for _, a := range acked {
		if !a {
			return false
		}
	}
	return true
}

func (p *Pipeline) account(batch []Event, results []Result) {
	rejected := map[int]string{}
	var reqs int64
	for _, r := range results {
		reqs += int64(r.Requests)
		for _, rj := range r.Rejected {
			if _, dup := rejected[rj.Index]; !dup {
				rejected[rj.Index] = rj.Reason
			}
		}
	}
	if len(rejected) > 0 {
		p.mu.Lock()
		for _, reason := range rejected {
			p.dropped[reason]++
		}
		p.mu.Unlock()
	}
	p.shipped.Add(int64(len(batch) - len(rejected)))
	p.batches.Add(1)
	p.requests.Add(reqs)
}
