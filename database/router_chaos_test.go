package database

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// chaosOptions are the router settings of the fault tests: a 2s staleness
// bound, probes every 200ms bounded to 1s.
func chaosOptions() RouterOptions {
	return RouterOptions{MaxLagTime: 2 * time.Second, CheckInterval: 200 * time.Millisecond, CheckTimeout: time.Second}
}

// leftRotation polls until the replica is no longer readable and returns
// how long that took from since.
func leftRotation(t *testing.T, r *Router, since time.Time, within time.Duration) time.Duration {
	t.Helper()
	waitFor(t, within, "the replica to leave rotation", func() bool { return !r.Status()[1].Readable })
	return time.Since(since)
}

// TestLagWALReceiverStopped stops the standby's WAL receiver (SIGSTOP) for
// 5s while rows are written every 5ms: the standby has replayed all it
// received, but the primary moves on. No read may be staler than
// MaxLagTime, and the standby must leave rotation before its reads could be.
func TestLagWALReceiverStopped(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	t.Cleanup(func() { ensureReplicaStreaming(t) })
	opts := chaosOptions()
	r := newTestRouter(t, p, rp, opts)
	w := startWorkload(t, r, p, rp, 4, opts.MaxLagTime)
	waitFor(t, 10*time.Second, "reads on the standby", func() bool { return w.onStandby.Load() > 50 })

	pid := walReceiverPID(t, pg)
	stoppedAt := time.Now()
	thaw := freeze(t, []int{pid})
	left := leftRotation(t, r, stoppedAt, 10*time.Second)
	time.Sleep(5*time.Second - time.Since(stoppedAt))
	thaw()
	back := waitFor(t, 15*time.Second, "the standby back in rotation", func() bool { return r.Status()[1].Readable })
	standbyBefore := w.onStandby.Load()
	waitFor(t, 5*time.Second, "reads on the standby again", func() bool { return w.onStandby.Load() > standbyBefore+20 })
	w.stop()
	w.report(t, "WAL receiver stopped 5s")
	t.Logf("standby left rotation %v after its WAL receiver stopped (MaxLagTime %v); back %v after it resumed", left.Round(time.Millisecond), opts.MaxLagTime, back.Round(time.Millisecond))
	w.check(t)
	// Its lease ends MaxLagTime after its freshness, which is at or before
	// the stop; the 20ms poll that sees it can oversleep on a loaded
	// machine. The stale-read count above is the exact check.
	if left > opts.MaxLagTime+300*time.Millisecond {
		t.Errorf("standby left rotation %v after the receiver stopped, want within MaxLagTime %v", left, opts.MaxLagTime)
	}
}

// TestLagStandbyRestart stops the standby for 3s while rows are written,
// then starts it: right after the restart its receive position is NULL
// and its replay position is 3s behind the primary; it must not count as
// caught up, so no read is staler than MaxLagTime.
func TestLagStandbyRestart(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	t.Cleanup(func() { ensureReplicaStreaming(t) })
	opts := chaosOptions()
	r := newTestRouter(t, p, rp, opts)
	w := startWorkload(t, r, p, rp, 4, opts.MaxLagTime)
	waitFor(t, 10*time.Second, "reads on the standby", func() bool { return w.onStandby.Load() > 50 })

	dir := pg.ReplicaDataDir
	run(t, "runuser", "-u", "postgres", "--", pgBin+"/pg_ctl", "-D", dir, "-m", "fast", "-w", "stop")
	time.Sleep(3 * time.Second)
	run(t, "runuser", "-u", "postgres", "--", pgBin+"/pg_ctl", "-D", dir, "-l", dir+"/startup.log", "-w", "-t", "60", "start")
	back := waitFor(t, 20*time.Second, "the standby back in rotation", func() bool { return r.Status()[1].Readable })
	standbyBefore := w.onStandby.Load()
	waitFor(t, 5*time.Second, "reads on the standby again", func() bool { return w.onStandby.Load() > standbyBefore+20 })
	w.stop()
	w.report(t, "standby restarted after 3s down")
	t.Logf("standby back in rotation %v after it accepted connections", back.Round(time.Millisecond))
	w.check(t)
}

// TestStandbyFrozen freezes every process of the standby (SIGSTOP) for 6s
// under readers whose deadlines are 60s. Reads already waiting on it must
// be abandoned and retried when the router marks it down (first router),
// or when their attempt times out (second router, ReadAttemptTimeout
// 300ms), so no reader stalls for the freeze; after SIGCONT the standby,
// now 6s behind, must not serve reads staler than MaxLagTime.
func TestStandbyFrozen(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	t.Cleanup(func() { ensureReplicaStreaming(t) })
	opts := chaosOptions()
	var abandoned, retried atomic.Int32
	opts.OnEvent = func(e Event) {
		switch e.Kind {
		case EventReadAbandoned:
			abandoned.Add(1)
		case EventReadRetried:
			retried.Add(1)
		}
	}
	r := newTestRouter(t, p, rp, opts)
	w := startWorkload(t, r, p, rp, 4, opts.MaxLagTime)
	topts := chaosOptions()
	topts.ReadAttemptTimeout = 300 * time.Millisecond
	var tAbandoned atomic.Int32
	topts.OnEvent = func(e Event) {
		if e.Kind == EventReadAbandoned {
			tAbandoned.Add(1)
		}
	}
	rt := newTestRouter(t, p, rp, topts)
	wt := startWorkload(t, rt, p, rp, 4, topts.MaxLagTime)
	waitFor(t, 10*time.Second, "reads on the standby", func() bool { return w.onStandby.Load() > 50 && wt.onStandby.Load() > 50 })

	const frozen = 6 * time.Second
	pids := standbyPIDs(t, pg)
	frozenAt := time.Now()
	thaw := freeze(t, pids)
	left := leftRotation(t, r, frozenAt, 10*time.Second)
	time.Sleep(frozen - time.Since(frozenAt))
	thaw()
	back := waitFor(t, 20*time.Second, "the standby back in rotation", func() bool { return r.Status()[1].Readable })
	standbyBefore := w.onStandby.Load()
	waitFor(t, 10*time.Second, "reads on the standby again", func() bool { return w.onStandby.Load() > standbyBefore+20 })
	w.stop()
	wt.stop()
	w.report(t, "standby frozen 6s, no attempt timeout")
	wt.report(t, "standby frozen 6s, ReadAttemptTimeout 300ms")
	t.Logf("standby left rotation %v after the freeze, back %v after the thaw; abandoned %d, retried %d (attempt-timeout router: abandoned %d)",
		left.Round(time.Millisecond), back.Round(time.Millisecond), abandoned.Load(), retried.Load(), tAbandoned.Load())
	w.check(t)
	wt.check(t)
	for _, x := range []struct {
		name  string
		w     *workload
		bound time.Duration
	}{
		// Marked down after a failed probe: CheckInterval + CheckTimeout,
		// plus slack for a loaded machine; well short of the freeze.
		{"no attempt timeout", w, 3500 * time.Millisecond},
		{"ReadAttemptTimeout 300ms", wt, 2500 * time.Millisecond},
	} {
		if lat := time.Duration(x.w.maxLatencyNs.Load()); lat > x.bound {
			t.Errorf("%s: a reader stalled %v during a %v freeze, want at most %v", x.name, lat, frozen, x.bound)
		}
	}
	if abandoned.Load() == 0 || tAbandoned.Load() == 0 {
		t.Errorf("no read was abandoned (%d, %d): were any waiting on the frozen standby?", abandoned.Load(), tAbandoned.Load())
	}
}
