package database

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// workload writes numbered rows to the primary and reads the newest row
// through a Router, measuring how stale each read was: a read that started
// at t0 and saw rows up to id k is stale by t0 - ack(k+1) when row k+1 had
// been acknowledged before t0 (and not stale otherwise).
type workload struct {
	r       *Router
	maxLag  time.Duration
	primary *pgxpool.Pool

	mu   sync.Mutex
	acks []time.Time // acks[i] is when row i+1 was acknowledged

	reads, onStandby, onPrimary, failed, staleReads atomic.Int64
	maxStaleNs, maxLatencyNs                        atomic.Int64
	firstErr                                        atomic.Pointer[error]

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// startWorkload creates the table and starts one writer (a row every 5ms)
// and readers readers with a 60s deadline per read.
func startWorkload(t *testing.T, r *Router, primaryDSN, replicaDSN string, readers int, maxLag time.Duration) *workload {
	t.Helper()
	exec1(t, primaryDSN, "CREATE TABLE IF NOT EXISTS w (id int PRIMARY KEY)")
	waitFor(t, 10*time.Second, "the table on the standby", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, replicaDSN)
		if err != nil {
			return false
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, "SELECT 1 FROM w LIMIT 1")
		return err == nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	p, err := pgxpool.New(ctx, primaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	w := &workload{r: r, maxLag: maxLag, primary: p, cancel: cancel}
	t.Cleanup(w.stop)
	w.wg.Add(1)
	go w.write(ctx)
	for range readers {
		w.wg.Add(1)
		go w.read(ctx)
	}
	return w
}

func (w *workload) stop() {
	w.cancel()
	w.wg.Wait()
	w.primary.Close()
}

func (w *workload) write(ctx context.Context) {
	defer w.wg.Done()
	for id := 1; ctx.Err() == nil; id++ {
		for ctx.Err() == nil {
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			_, err := w.primary.Exec(wctx, "INSERT INTO w VALUES ($1) ON CONFLICT DO NOTHING", id)
			cancel()
			if err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		now := time.Now()
		w.mu.Lock()
		w.acks = append(w.acks, now)
		w.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
}

func (w *workload) read(ctx context.Context) {
	defer w.wg.Done()
	for ctx.Err() == nil {
		rctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		t0 := time.Now()
		var standby bool
		var seen int
		err := w.r.QueryRow(rctx, "SELECT pg_is_in_recovery(), COALESCE(max(id), 0) FROM w").Scan(&standby, &seen)
		lat := time.Since(t0)
		cancel()
		if ctx.Err() != nil {
			return
		}
		w.reads.Add(1)
		atomicMax(&w.maxLatencyNs, int64(lat))
		if err != nil {
			w.failed.Add(1)
			w.firstErr.CompareAndSwap(nil, &err) // atomic.Value would panic on a second error of another type
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if standby {
			w.onStandby.Add(1)
		} else {
			w.onPrimary.Add(1)
		}
		w.mu.Lock()
		var ack time.Time
		if seen < len(w.acks) {
			ack = w.acks[seen] // row seen+1
		}
		w.mu.Unlock()
		if !ack.IsZero() && ack.Before(t0) {
			stale := t0.Sub(ack)
			atomicMax(&w.maxStaleNs, int64(stale))
			if stale > w.maxLag {
				w.staleReads.Add(1)
			}
		}
	}
}

func atomicMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

func (w *workload) report(t *testing.T, what string) {
	t.Helper()
	t.Logf("%s: reads=%d standby=%d primary=%d failed=%d; staler than %v: %d (max staleness %v); slowest read %v",
		what, w.reads.Load(), w.onStandby.Load(), w.onPrimary.Load(), w.failed.Load(), w.maxLag, w.staleReads.Load(),
		time.Duration(w.maxStaleNs.Load()).Round(time.Millisecond), time.Duration(w.maxLatencyNs.Load()).Round(time.Millisecond))
}

// check fails t when a read was staler than the bound or failed.
func (w *workload) check(t *testing.T) {
	t.Helper()
	if n := w.staleReads.Load(); n != 0 {
		t.Errorf("%d reads were staler than MaxLagTime %v (max %v)", n, w.maxLag, time.Duration(w.maxStaleNs.Load()))
	}
	if n := w.failed.Load(); n != 0 {
		t.Errorf("%d reads failed (first: %v)", n, *w.firstErr.Load())
	}
}
