package database

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opskit-dev/opskit/internal/testenv"
)

func TestVacuumRunner(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	dsn, _, _ := scratchDB(t, pg)
	exec1(t, dsn, `CREATE TABLE big (id int PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
		CREATE TABLE small (id int PRIMARY KEY) WITH (autovacuum_enabled = false);
		INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 300000) g;
		INSERT INTO small SELECT generate_series(1, 10)`)
	exec1(t, dsn, "VACUUM ANALYZE big")
	exec1(t, dsn, "VACUUM ANALYZE small")
	exec1(t, dsn, "DELETE FROM big WHERE id % 2 = 0")
	exec1(t, dsn, "DELETE FROM small WHERE id < 3")
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var adv []TableAdvice
	waitFor(t, 15*time.Second, "the advisor to see big's dead tuples", func() bool {
		adv, err = Advise(ctx, PGStats{Q: pool}, time.Now())
		return err == nil && len(adv) == 2 && adv[0].Table.Name == "big" && adv[0].Action == ActionVacuum
	})
	t.Logf("big: %d dead, trigger %.0f, urgency %.1f, bloat %d bytes; small: %s", adv[0].Table.DeadTuples, adv[0].VacuumTrigger, adv[0].Urgency, adv[0].BloatBytes, adv[1].Action)

	// A budget too small for big: its VACUUM is cancelled, not left running.
	res, err := RunVacuum(ctx, Pool(pool), adv, VacuumRunOptions{Budget: 30 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || !res[0].TimedOut && res[0].Err != nil {
		t.Fatalf("tiny budget: %+v", res)
	} else if res[0].TimedOut {
		t.Logf("tiny budget: %s cancelled after %v", res[0].Table, res[0].Elapsed)
	}
	var active int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM pg_stat_progress_vacuum WHERE datname = current_database()").Scan(&active); err != nil || active != 0 {
		t.Fatalf("%d vacuums still running after the budget (err %v)", active, err)
	}

	var mu sync.Mutex
	var samples, done []VacuumProgress
	res, err = RunVacuum(ctx, Pool(pool), adv, VacuumRunOptions{Budget: time.Minute, ProgressInterval: 5 * time.Millisecond, Progress: func(p VacuumProgress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Done {
			done = append(done, p)
		} else {
			samples = append(samples, p)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		t.Logf("%s: %s in %v err=%v", r.Table, r.SQL, r.Elapsed, r.Err)
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	}
	if len(res) != 1 || res[0].Table != `"public"."big"` || len(done) != 1 {
		t.Fatalf("results %+v done %+v; want big only (small is below its trigger)", res, done)
	}
	t.Logf("%d progress samples, last %+v", len(samples), lastSample(samples))
	if len(samples) == 0 || samples[0].Phase == "" || samples[0].HeapBlksTotal == 0 {
		t.Fatalf("no progress from pg_stat_progress_vacuum: %+v", samples)
	}
}

func lastSample(s []VacuumProgress) VacuumProgress {
	if len(s) == 0 {
		return VacuumProgress{}
	}
	return s[len(s)-1]
}

// TestTenThousandTables times the advisor and the audit on a database with
// 10,000 tables; each must finish in under 2 seconds.
func TestTenThousandTables(t *testing.T) {
	if testing.Short() {
		t.Skip("creates 10,000 tables")
	}
	pg := testenv.PostgreSQL(t)
	dsn, _, _ := scratchDB(t, pg)
	start := time.Now()
	for b := 0; b < 10; b++ {
		exec1(t, dsn, `DO $$ BEGIN FOR i IN `+strconv.Itoa(b*1000+1)+`..`+strconv.Itoa(b*1000+1000)+` LOOP
			EXECUTE format('CREATE TABLE t%s (id int, v text)', i); END LOOP; END $$`)
	}
	t.Logf("created 10,000 tables in %v", time.Since(start))
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	best := func(f func() error) time.Duration {
		var min time.Duration
		for range 5 {
			s := time.Now()
			if err := f(); err != nil {
				t.Fatal(err)
			}
			if d := time.Since(s); min == 0 || d < min {
				min = d
			}
		}
		return min
	}
	var n int
	adv := best(func() error {
		a, err := Advise(ctx, PGStats{Q: pool}, time.Now())
		n = len(a)
		return err
	})
	sqlOnly := best(func() error {
		_, err := PGStats{Q: pool}.Tables(ctx)
		return err
	})
	var nf int
	aud := best(func() error {
		f, err := Audit(ctx, pool, AuditOptions{Files: LocalFiles{}})
		nf = len(f)
		return err
	})
	t.Logf("10,000 tables: advisor %v (%d tables; reading the statistics %v of it), audit %v (%d findings)", adv, n, sqlOnly, aud, nf)
	if n != 10000 {
		t.Fatalf("advisor saw %d tables", n)
	}
	if adv > 2*time.Second || aud > 2*time.Second {
		t.Fatalf("advisor %v, audit %v; want each under 2s", adv, aud)
	}
}
