package database

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestReadYourWritesAsyncCommit runs session writes with
// synchronous_commit=off, where a commit is acknowledged before its WAL is
// written: the session must wait for the WAL insert position, not the
// write position, or its reads on the standby miss its own rows.
func TestReadYourWritesAsyncCommit(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	r := newTestRouter(t, p, rp, RouterOptions{
		ReadYourWritesTimeout: 2 * time.Second,
		ConfigurePool: func(cfg *pgxpool.Config, primary bool) {
			cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
		},
	})
	ctx := context.Background()
	if _, err := r.Exec(ctx, "CREATE TABLE ryw (id int primary key)"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the standby readable", func() bool { return r.Status()[1].Readable })
	s := r.Session()
	const writes = 40
	missed, onStandby := 0, 0
	for i := range writes {
		if err := s.Write(ctx, func(ctx context.Context, q Querier) error {
			_, err := q.Exec(ctx, "INSERT INTO ryw VALUES ($1)", i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var found bool
		served, err := s.ReadServed(ctx, func(ctx context.Context, q Querier) error {
			return q.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM ryw WHERE id = $1)", i).Scan(&found)
		})
		if err != nil {
			t.Fatal(err)
		}
		if !served.Primary {
			onStandby++
		}
		if !found {
			missed++
		}
	}
	t.Logf("synchronous_commit=off: %d session reads, %d on the standby, %d missed their own write", writes, onStandby, missed)
	if missed != 0 {
		t.Fatalf("%d of %d session reads missed their own acknowledged write", missed, writes)
	}
	if onStandby < writes/2 {
		t.Fatalf("only %d of %d session reads ran on the standby; the test proves nothing", onStandby, writes)
	}
}

// TestSessionStalledReplica pauses replay on a standby that stays in
// rotation (MaxLagTime 60s): the first session read waits
// ReadYourWritesTimeout and goes to the primary; the following ones go to
// the primary without waiting, until replay resumes.
func TestSessionStalledReplica(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	const rywTimeout = 500 * time.Millisecond
	r := newTestRouter(t, p, rp, RouterOptions{MaxLagTime: time.Minute, MaxLagBytes: 1 << 30, ReadYourWritesTimeout: rywTimeout})
	ctx := context.Background()
	if _, err := r.Exec(ctx, "CREATE TABLE ryw (id int primary key)"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the standby readable", func() bool { return r.Status()[1].Readable })
	exec1(t, pg.ReplicaDSN, "SELECT pg_wal_replay_pause()")
	t.Cleanup(func() { exec1(t, testenv.PostgresEnv().ReplicaDSN, "SELECT pg_wal_replay_resume()") })
	s := r.Session()
	const rounds = 20
	start := time.Now()
	var slowest time.Duration
	for i := range rounds {
		if err := s.Write(ctx, func(ctx context.Context, q Querier) error {
			_, err := q.Exec(ctx, "INSERT INTO ryw VALUES ($1)", i)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var n int
		t0 := time.Now()
		served, err := s.ReadServed(ctx, func(ctx context.Context, q Querier) error {
			return q.QueryRow(ctx, "SELECT count(*) FROM ryw").Scan(&n)
		})
		slowest = max(slowest, time.Since(t0))
		if err != nil {
			t.Fatal(err)
		}
		if n != i+1 || !served.Primary {
			t.Fatalf("read %d: %d rows from %+v, want %d from the primary", i, n, served, i+1)
		}
		if !r.Status()[1].Readable {
			t.Fatal("the paused standby left rotation; the test needs it in rotation")
		}
	}
	took := time.Since(start)
	t.Logf("%d session write+read rounds on a paused standby in %v (slowest read %v, ReadYourWritesTimeout %v)", rounds, took.Round(time.Millisecond), slowest.Round(time.Millisecond), rywTimeout)
	if took > 3*rywTimeout {
		t.Fatalf("%d rounds took %v: session reads kept waiting on a standby that does not replay", rounds, took)
	}
	exec1(t, pg.ReplicaDSN, "SELECT pg_wal_replay_resume()")
	// Once replay moves again, session reads go back to the standby.
	waitFor(t, 10*time.Second, "a session read on the standby", func() bool {
		served, err := s.ReadServed(ctx, func(ctx context.Context, q Querier) error {
			var n int
			return q.QueryRow(ctx, "SELECT count(*) FROM ryw").Scan(&n)
		})
		return err == nil && !served.Primary
	})
}

// TestReadServedNamesNode: a read says which node served it, by the name
// Status and events use, and StatusOf finds that node.
func TestReadServedNamesNode(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	p, rp, _ := scratchDB(t, pg)
	r := newTestRouter(t, p, rp, RouterOptions{})
	ctx := context.Background()
	waitFor(t, 10*time.Second, "the standby readable", func() bool { return r.Status()[1].Readable })
	var standby bool
	served, err := r.ReadServed(ctx, func(ctx context.Context, q Querier) error {
		return q.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby)
	})
	if err != nil || !standby {
		t.Fatalf("read: standby=%v err=%v", standby, err)
	}
	if served.Node != "127.0.0.1:5433" || served.Primary || served.Attempts != 1 {
		t.Fatalf("served %+v, want the standby 127.0.0.1:5433 in one attempt", served)
	}
	st, ok := r.StatusOf(served.Node)
	if !ok || !st.InRecovery || !st.Readable || st.Node != served.Node {
		t.Fatalf("StatusOf(%s) = %+v, %v", served.Node, st, ok)
	}
	if st, ok := r.StatusOf("127.0.0.1:5432"); !ok || !st.Primary {
		t.Fatalf("StatusOf(primary) = %+v, %v", st, ok)
	}
	if _, ok := r.StatusOf("127.0.0.1:1"); ok {
		t.Fatal("StatusOf found a node the router does not have")
	}
	s := r.Session()
	if err := s.Write(ctx, func(ctx context.Context, q Querier) error { _, err := q.Exec(ctx, "SELECT 1"); return err }); err != nil {
		t.Fatal(err)
	}
	served, err = s.ReadServed(ctx, func(ctx context.Context, q Querier) error {
		return q.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby)
	})
	if err != nil || served.Node == "" || served.Primary == standby {
		t.Fatalf("session read: served %+v standby=%v err=%v", served, standby, err)
	}
}
