package database

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
)

func newTestRouter(t *testing.T, primary, replica string, opts RouterOptions) *Router {
	t.Helper()
	opts.Replicas = []string{replica}
	if opts.CheckInterval == 0 {
		opts.CheckInterval = 200 * time.Millisecond
	}
	if opts.CheckTimeout == 0 {
		opts.CheckTimeout = time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r, err := DialRouter(ctx, primary, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return r
}

// readRole reads through the router and reports whether a standby served it.
func readRole(ctx context.Context, r *Router) (standby bool, err error) {
	err = r.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby)
	return standby, err
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > d {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

func TestRouterReadsGoToReplica(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	for _, pol := range []Policy{RoundRobin, LeastLag} {
		r := newTestRouter(t, p, rp, RouterOptions{Policy: pol})
		ctx := context.Background()
		for range 20 {
			standby, err := readRole(ctx, r)
			if err != nil || !standby {
				t.Fatalf("policy %v: read standby=%v err=%v, want replica", pol, standby, err)
			}
		}
		if _, err := r.Exec(ctx, "CREATE TABLE IF NOT EXISTS rw (id int)"); err != nil {
			t.Fatal(err)
		}
		st := r.Status()
		if !st[0].Primary || st[0].InRecovery || !st[1].Readable || !st[1].InRecovery {
			t.Fatalf("status = %+v", st)
		}
	}
}

func TestRouterInvalidDSN(t *testing.T) {
	_, err := DialRouter(context.Background(), "postgres://u:s3cret@127.0.0.1:5432/db", RouterOptions{Replicas: []string{"postgres://u:s3cret@[bad"}})
	var ce *InvalidError
	if !errors.As(err, &ce) || ce.Input != "replica DSN 0" || !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want an InvalidError for replica DSN 0", err)
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error leaks the password: %v", err)
	}
}

func TestReadYourWrites(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	r := newTestRouter(t, p, rp, RouterOptions{ReadYourWritesTimeout: 2 * time.Second})
	ctx := context.Background()
	if _, err := r.Exec(ctx, "CREATE TABLE ryw (id int primary key)"); err != nil {
		t.Fatal(err)
	}
	s := r.Session()
	for i := range 50 {
		if err := s.Write(ctx, func(ctx context.Context, q Querier) error {
			_, err := q.Exec(ctx, "INSERT INTO ryw VALUES ($1)", i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.Read(ctx, func(ctx context.Context, q Querier) error {
			return q.QueryRow(ctx, "SELECT count(*) FROM ryw").Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		if n != i+1 {
			t.Fatalf("after write %d the session read %d rows", i+1, n)
		}
	}
	if s.LSN() == 0 {
		t.Fatal("session recorded no LSN")
	}
}

type fakeResolver struct {
	mu    sync.Mutex
	addrs []string
}

func (f *fakeResolver) LookupHost(ctx context.Context, host string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.addrs, nil
}

func (f *fakeResolver) set(a ...string) { f.mu.Lock(); f.addrs = a; f.mu.Unlock() }

// TestRouterDNSReresolution names the primary by a host name only the
// router's resolver knows. It first points at ::1, where nothing listens
// (the old address of a failed-over endpoint), then at 127.0.0.1: the
// router notices the change, resets the pool and writes again.
func TestRouterDNSReresolution(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	p = strings.Replace(p, "127.0.0.1", "primary.opskit.test", 1)
	res := &fakeResolver{addrs: []string{"::1"}}
	var changes atomic.Int32
	r := newTestRouter(t, p, rp, RouterOptions{
		DNSInterval: 50 * time.Millisecond,
		Resolver:    res,
		OnEvent: func(e Event) {
			if e.Kind == EventDNSChanged {
				changes.Add(1)
			}
		},
	})
	ctx := context.Background()
	if _, err := r.Exec(ctx, "SELECT 1"); err == nil {
		t.Fatal("write succeeded while the primary's name pointed at ::1")
	}
	time.Sleep(150 * time.Millisecond)
	if changes.Load() != 0 {
		t.Fatal("dns change reported with stable answers")
	}
	res.set("127.0.0.1")
	waitFor(t, 5*time.Second, "a dns-changed event", func() bool { return changes.Load() > 0 })
	took := waitFor(t, 5*time.Second, "a write through the new address", func() bool {
		_, err := r.Exec(ctx, "SELECT 1")
		return err == nil
	})
	t.Logf("writes resumed %v after the dns-changed event", took)
	if st := r.Status(); !st[0].Primary || st[0].Node != "primary.opskit.test:5432" {
		t.Fatalf("status %+v", st)
	}
}

func TestReplicaLoss(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	t.Cleanup(func() { ensureReplicaUp(t) })
	var retried atomic.Int32
	r := newTestRouter(t, p, rp, RouterOptions{OnEvent: func(e Event) {
		if e.Kind == EventReadRetried {
			retried.Add(1)
		}
	}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var reads, onReplica, onPrimary, failed atomic.Int64
	var firstErr atomic.Pointer[error] // atomic.Value would panic on a second error of another type
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				standby, err := readRole(ctx, r)
				if ctx.Err() != nil {
					return
				}
				reads.Add(1)
				switch {
				case err != nil:
					failed.Add(1)
					firstErr.CompareAndSwap(nil, &err)
				case standby:
					onReplica.Add(1)
				default:
					onPrimary.Add(1)
				}
			}
		}()
	}
	waitFor(t, 10*time.Second, "reads on the replica", func() bool { return onReplica.Load() > 50 })
	dir := pg.ReplicaDataDir
	stopStart := time.Now()
	run(t, "runuser", "-u", "postgres", "--", pgBin+"/pg_ctl", "-D", dir, "-m", "fast", "-w", "stop")
	t.Logf("replica stopped in %v", time.Since(stopStart))
	primBefore := onPrimary.Load()
	waitFor(t, 10*time.Second, "reads on the primary", func() bool { return onPrimary.Load() > primBefore+50 })
	time.Sleep(500 * time.Millisecond)
	downReads := reads.Load()
	run(t, "runuser", "-u", "postgres", "--", pgBin+"/pg_ctl", "-D", dir, "-l", dir+"/startup.log", "-w", "-t", "60", "start")
	upAt := time.Now()
	repBefore := onReplica.Load()
	back := waitFor(t, 20*time.Second, "reads back on the replica", func() bool { return onReplica.Load() > repBefore+50 })
	cancel()
	wg.Wait()
	t.Logf("reads=%d replica=%d primary=%d failed=%d retried=%d (reads while down=%d); back on replica %v after start",
		reads.Load(), onReplica.Load(), onPrimary.Load(), failed.Load(), retried.Load(), downReads, back)
	_ = upAt
	if failed.Load() != 0 {
		t.Fatalf("%d reads failed (first: %v); in-flight reads must be retried once on the primary", failed.Load(), *firstErr.Load())
	}
}

func TestReplicaLag(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	r := newTestRouter(t, p, rp, RouterOptions{MaxLagBytes: 256 << 10, MaxLagTime: 3 * time.Second})
	ctx := context.Background()
	if _, err := r.Exec(ctx, "CREATE TABLE lag (id int, pad text)"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "replica readable", func() bool { return r.Status()[1].Readable })
	exec1(t, pg.ReplicaDSN, "SELECT pg_wal_replay_pause()")
	t.Cleanup(func() { exec1(t, testenv.PostgresEnv().ReplicaDSN, "SELECT pg_wal_replay_resume()") })
	if _, err := r.Exec(ctx, "INSERT INTO lag SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g"); err != nil {
		t.Fatal(err)
	}
	took := waitFor(t, 10*time.Second, "router to stop reading from the paused replica", func() bool { return !r.Status()[1].Readable })
	st := r.Status()[1]
	t.Logf("replica left rotation %v after the write: lag %d bytes, %v", took, st.LagBytes, st.LagTime)
	if st.LagBytes <= 256<<10 {
		t.Fatalf("lag bytes = %d, want > bound", st.LagBytes)
	}
	for range 20 {
		if standby, err := readRole(ctx, r); err != nil || standby {
			t.Fatalf("read while lagging: standby=%v err=%v", standby, err)
		}
	}
	exec1(t, pg.ReplicaDSN, "SELECT pg_wal_replay_resume()")
	back := waitFor(t, 15*time.Second, "replica back in rotation", func() bool { return r.Status()[1].Readable })
	t.Logf("replica back %v after resume", back)
	if standby, err := readRole(ctx, r); err != nil || !standby {
		t.Fatalf("read after resume: standby=%v err=%v", standby, err)
	}
}

func TestPrimaryRestart(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	t.Cleanup(func() { ensurePrimaryUp(t) })
	r := newTestRouter(t, p, rp, RouterOptions{})
	ctx := context.Background()
	if _, err := r.Exec(ctx, "CREATE TABLE pr (id int)"); err != nil {
		t.Fatal(err)
	}
	// One goroutine records when the primary accepts connections again
	// (pg_isready); another writes through the router every 10ms and
	// records its first success after the primary went down.
	var accepting, served atomic.Value
	var failedWrites atomic.Int32
	stop := make(chan struct{})
	wentDown := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		down := false
		for {
			select {
			case <-stop:
				return
			default:
			}
			ok := pgReady("5432")
			if !ok && !down {
				down = true
				close(wentDown)
			}
			if ok && down {
				accepting.Store(time.Now())
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	go func() {
		defer wg.Done()
		<-wentDown
		for {
			select {
			case <-stop:
				return
			default:
			}
			wctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			_, err := r.Exec(wctx, "INSERT INTO pr VALUES (1)")
			cancel()
			if err == nil {
				served.Store(time.Now())
				return
			}
			failedWrites.Add(1)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	run(t, "pg_ctlcluster", "15", "main", "restart")
	waitFor(t, 30*time.Second, "the router to serve a write", func() bool { return served.Load() != nil })
	close(stop)
	wg.Wait()
	if accepting.Load() == nil {
		t.Fatal("never saw the primary accept connections again")
	}
	up, ok := accepting.Load().(time.Time), served.Load().(time.Time)
	d := ok.Sub(up)
	t.Logf("router served a write %v after the primary accepted connections (%d writes failed while it was down)", d, failedWrites.Load())
	if d > 5*time.Second {
		t.Fatalf("recovery took %v, want <= 5s", d)
	}
}

// TestRouterFindsPrimary gives the standby as the primary DSN: the primary
// pool's read-write session check (target_session_attrs) refuses it and the
// router writes to the node that is not in recovery.
func TestRouterFindsPrimary(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	r := newTestRouter(t, rp, p, RouterOptions{})
	ctx := context.Background()
	if _, err := r.Exec(ctx, "CREATE TABLE fp (id int)"); err != nil {
		t.Fatalf("write: %v", err)
	}
	st := r.Status()
	if st[0].Reachable || !st[1].Primary {
		t.Fatalf("status %+v: want node 0 refused (read-write check) and node 1 primary", st)
	}
	var standby bool
	if err := r.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby); err != nil || standby {
		t.Fatalf("read: standby=%v err=%v; want the primary (no readable replica)", standby, err)
	}
}
