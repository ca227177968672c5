package logging_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

type recAcker struct {
	mu    sync.Mutex
	acks  []int64
	syncs int
}

func (a *recAcker) Ack(off int64) { a.mu.Lock(); a.acks = append(a.acks, off); a.mu.Unlock() }
func (a *recAcker) Sync() error   { a.mu.Lock(); a.syncs++; a.mu.Unlock(); return nil }
func (a *recAcker) last() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.acks) == 0 {
		return 0
	}
	return a.acks[len(a.acks)-1]
}

func ev(i int, a logging.Acker) logging.Event {
	return logging.Event{Time: time.Now(), Stream: "s", Message: []byte(fmt.Sprintf("m%d", i)), Acker: a, Offset: int64(i + 1)}
}

func TestPipelineAcksOnlyAfterSink(t *testing.T) {
	sink := loggingfake.NewSink(loggingfake.Options{})
	sink.Refuse(loggingfake.ErrRefused)
	a := &recAcker{}
	p, err := logging.NewPipeline(logging.Options{Linger: -1, BatchEvents: 10, Backoff: logging.Backoff{Initial: 5 * time.Millisecond, Max: 5 * time.Millisecond}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 25; i++ {
		if err := p.Emit(context.Background(), ev(i, a)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	if got := a.last(); got != 0 {
		t.Fatalf("acked offset %d while the sink refused; want 0", got)
	}
	m := p.Metrics()
	if m.Retried == 0 || m.Failures == 0 || m.Lag < 50*time.Millisecond {
		t.Fatalf("metrics %+v; want retries, failures and lag ≥ 50ms", m)
	}
	sink.Refuse(nil)
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := a.last(); got != 25 {
		t.Fatalf("last ack %d; want 25", got)
	}
	for i := 1; i < len(a.acks); i++ {
		if a.acks[i] <= a.acks[i-1] {
			t.Fatalf("acks out of order: %v", a.acks)
		}
	}
	if a.syncs == 0 {
		t.Fatal("Sync never called")
	}
	if m := p.Metrics(); m.Shipped != 25 || m.Read != 25 {
		t.Fatalf("shipped %d read %d; want 25", m.Shipped, m.Read)
	}
	if n := len(sink.Events("s")); n != 25 {
		t.Fatalf("sink holds %d; want 25", n)
	}
}

func TestPipelineDropOldest(t *testing.T) {
	sink := loggingfake.NewSink(loggingfake.Options{})
	sink.Refuse(loggingfake.ErrRefused)
	a := &recAcker{}
	p, err := logging.NewPipeline(logging.Options{Policy: logging.DropOldest, BufferEvents: 10, BatchEvents: 5, Linger: -1,
		Backoff: logging.Backoff{Initial: time.Millisecond, Max: time.Millisecond}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if err := p.Emit(context.Background(), ev(i, a)); err != nil {
			t.Fatal(err)
		}
	}
	sink.Refuse(nil)
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := p.Metrics()
	stored := int64(len(sink.Events("s")))
	if m.Dropped[logging.ReasonOverflow] == 0 || m.Shipped+m.Dropped[logging.ReasonOverflow] != 100 || stored != m.Shipped {
		t.Fatalf("shipped %d dropped %v stored %d; want shipped+dropped = 100", m.Shipped, m.Dropped, stored)
	}
	if a.last() != 100 {
		t.Fatalf("last ack %d; want 100 (drops are acknowledged)", a.last())
	}
	for i := 1; i < len(a.acks); i++ {
		if a.acks[i] <= a.acks[i-1] {
			t.Fatalf("acks out of order: %v", a.acks)
		}
	}
}

func TestPipelineBlockPausesEmit(t *testing.T) {
	sink := loggingfake.NewSink(loggingfake.Options{})
	sink.Refuse(loggingfake.ErrRefused)
	p, err := logging.NewPipeline(logging.Options{BufferEvents: 4, BatchEvents: 2, Linger: -1,
		Backoff: logging.Backoff{Initial: time.Millisecond, Max: time.Millisecond}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	var n int
	for ; n < 100; n++ {
		if err := p.Emit(ctx, ev(n, nil)); err != nil {
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatal(err)
			}
			break
		}
	}
	if n > 6 {
		t.Fatalf("emitted %d events into a 4-event buffer with a refusing sink; want ≤ 6", n)
	}
	sink.Refuse(nil)
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := len(sink.Events("s")); got != n {
		t.Fatalf("stored %d; want %d", got, n)
	}
}

func TestPipelineCloseDeadline(t *testing.T) {
	sink := loggingfake.NewSink(loggingfake.Options{})
	sink.Refuse(loggingfake.ErrRefused)
	p, _ := logging.NewPipeline(logging.Options{Linger: -1}, sink)
	_ = p.Emit(context.Background(), ev(1, nil))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := p.Close(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("Close = %v after %v; want DeadlineExceeded promptly", err, time.Since(start))
	}
	if err := p.Emit(context.Background(), ev(2, nil)); !errors.Is(err, logging.ErrClosed) {
		t.Fatalf("Emit after Close = %v; want ErrClosed", err)
	}
}

func TestOptionsValidation(t *testing.T) {
	_, err := logging.NewPipeline(logging.Options{BufferEvents: -1}, loggingfake.NewSink(loggingfake.Options{}))
	var oe *logging.InvalidError
	if !errors.As(err, &oe) || oe.Field != "BufferEvents" || !errors.Is(err, logging.ErrInvalid) {
		t.Fatalf("New = %v; want *InvalidError for BufferEvents", err)
	}
	if want := "logging: invalid Options: BufferEvents: -1; must not be negative"; err.Error() != want {
		t.Fatalf("New = %q; want %q", err, want)
	}
	if _, err := logging.NewPipeline(logging.Options{}); !errors.Is(err, logging.ErrInvalid) {
		t.Fatalf("New without sinks = %v", err)
	}
}

func TestPack(t *testing.T) {
	lim := logging.CloudWatchLimits(0)
	now := time.Now()
	var batch []logging.Event
	for i := 0; i < 25000; i++ {
		batch = append(batch, logging.Event{Time: now.Add(-time.Duration(i) * time.Second), Stream: "s", Message: make([]byte, 100)})
	}
	reqs, rej := logging.Pack(batch, lim, now)
	if len(rej) != 0 {
		t.Fatalf("%d events rejected, the first %v; want none", len(rej), rej[0])
	}
	// 25000 events × 126 bytes = 3,150,000 bytes → ≥ 4 requests by bytes (8322 per request).
	if min := logging.MinRequests(25000, 25000*126, lim); len(reqs) != min {
		t.Fatalf("%d requests; minimum is %d", len(reqs), min)
	}
}
