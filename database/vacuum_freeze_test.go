package database_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/databasefake"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// vacuumTarget is a database the advisor scenario runs against: the fake
// statistics source or a real scratch database.
type vacuumTarget interface {
	create(name string, opts map[string]string)
	insert(name string, n int64)
	update(name string, n int64)
	delete(name string, n int64)
	vacuumAnalyze(name string)
	source() database.StatsSource
}

type fakeTarget struct {
	t *testing.T
	s *databasefake.Stats
}

func (f fakeTarget) must(err error) {
	if err != nil {
		f.t.Fatal(err)
	}
}
func (f fakeTarget) create(n string, o map[string]string) { f.must(f.s.CreateTable("public", n, o)) }
func (f fakeTarget) insert(n string, k int64)             { f.must(f.s.Insert("public", n, k)) }
func (f fakeTarget) update(n string, k int64)             { f.must(f.s.Update("public", n, k)) }
func (f fakeTarget) delete(n string, k int64)             { f.must(f.s.Delete("public", n, k)) }
func (f fakeTarget) vacuumAnalyze(n string) {
	f.must(f.s.Vacuum("public", n, false))
	f.must(f.s.Analyze("public", n))
}
func (f fakeTarget) source() database.StatsSource { return f.s }

type pgTarget struct {
	t    *testing.T
	pool *pgxpool.Pool
}

// exec runs sql on a fresh connection that is closed afterwards, so the
// backend flushes its statistics when it exits.
func (p pgTarget) exec(sql string) {
	p.t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, p.pool.Config().ConnString())
	if err != nil {
		p.t.Fatal(err)
	}
	if _, err := c.Exec(ctx, sql); err != nil {
		p.t.Fatalf("%s: %v", sql, err)
	}
	c.Close(ctx)
}

func (p pgTarget) create(n string, o map[string]string) {
	with := "autovacuum_enabled = false"
	for k, v := range o {
		with += fmt.Sprintf(", %s = %s", k, v)
	}
	p.exec(fmt.Sprintf("CREATE TABLE %s (id serial, v text) WITH (%s)", pgx.Identifier{n}.Sanitize(), with))
}
func (p pgTarget) insert(n string, k int64) {
	p.exec(fmt.Sprintf("INSERT INTO %s (v) SELECT md5(g::text) FROM generate_series(1, %d) g", pgx.Identifier{n}.Sanitize(), k))
}
func (p pgTarget) update(n string, k int64) {
	p.exec(fmt.Sprintf("UPDATE %s SET v = v || 'x' WHERE id IN (SELECT id FROM %[1]s ORDER BY id LIMIT %d)", pgx.Identifier{n}.Sanitize(), k))
}
func (p pgTarget) delete(n string, k int64) {
	p.exec(fmt.Sprintf("DELETE FROM %s WHERE id IN (SELECT id FROM %[1]s ORDER BY id LIMIT %d)", pgx.Identifier{n}.Sanitize(), k))
}

// vacuumAnalyze repeats VACUUM until it removed every dead tuple: the
// standby's hot_standby_feedback holds the xmin horizon back by up to
// wal_receiver_status_interval, and tuples deleted after it stay dead.
func (p pgTarget) vacuumAnalyze(n string) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		p.exec("VACUUM (ANALYZE) " + pgx.Identifier{n}.Sanitize())
		var dead int64
		if err := p.pool.QueryRow(context.Background(), "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = $1", n).Scan(&dead); err != nil {
			p.t.Fatal(err)
		}
		if dead == 0 || time.Now().After(deadline) {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
}
func (p pgTarget) source() database.StatsSource { return database.PGStats{Q: p.pool} }

// actions maps table name to advised action.
func actions(t *testing.T, src database.StatsSource) map[string]database.VacuumAction {
	t.Helper()
	adv, err := database.Advise(context.Background(), src, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]database.VacuumAction{}
	for _, a := range adv {
		out[a.Table.Name] = a.Action
	}
	return out
}

// runScenario drives a target through writes and vacuums and checks the
// advisor's verdicts at each step. Every user table is created by the
// scenario (autovacuum is off on the real ones so it cannot interfere).
func runScenario(t *testing.T, tg vacuumTarget, settle func(want map[string]database.VacuumAction) map[string]database.VacuumAction) {
	step := func(what string, want map[string]database.VacuumAction) {
		t.Helper()
		got := settle(want)
		for k, v := range want {
			if got[k] != v {
				adv, _ := database.Advise(context.Background(), tg.source(), time.Now())
				for _, a := range adv {
					t.Logf("%s: %s %v %+v", a.Table.Name, a.Action, a.Reasons, a.Table)
				}
				t.Fatalf("%s: %s advised %q, want %q (all: %v)", what, k, got[k], v, got)
			}
		}
	}
	N := database.ActionNone
	tg.create("big", nil)
	tg.create("tuned", map[string]string{"autovacuum_vacuum_threshold": "10", "autovacuum_vacuum_scale_factor": "0", "autovacuum_analyze_threshold": "1000000"})
	tg.create("plain", map[string]string{"autovacuum_analyze_threshold": "1000000"})
	tg.insert("big", 10000)
	tg.insert("tuned", 100)
	tg.insert("plain", 100)
	step("after loading (inserts past the insert and analyze triggers)", map[string]database.VacuumAction{"big": database.ActionVacuum})
	for _, n := range []string{"big", "tuned", "plain"} {
		tg.vacuumAnalyze(n)
	}
	step("after vacuum", map[string]database.VacuumAction{"big": N, "tuned": N, "plain": N})
	tg.update("tuned", 20) // 20 dead > threshold 10 (reloptions)
	tg.update("plain", 20) // 20 dead < 50 + 0.2*100
	step("after 20 updates", map[string]database.VacuumAction{"tuned": database.ActionVacuum, "plain": N})
	tg.delete("big", 1500) // 1500 dead < 2050; 1500 mods > 1050
	step("after deleting 1500", map[string]database.VacuumAction{"big": database.ActionAnalyze})
	tg.delete("big", 1000) // 2500 dead > 2050
	step("after deleting 2500", map[string]database.VacuumAction{"big": database.ActionVacuum})
	tg.vacuumAnalyze("big")
	tg.vacuumAnalyze("tuned")
	step("after vacuum", map[string]database.VacuumAction{"big": N, "tuned": N, "plain": N})
}

// TestAdvisorScenario proves the fake statistics source by running one
// scenario against it and against a real database.
func TestAdvisorScenario(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		tg := fakeTarget{t: t, s: databasefake.NewStats(nil)}
		runScenario(t, tg, func(map[string]database.VacuumAction) map[string]database.VacuumAction {
			return actions(t, tg.source())
		})
	})
	t.Run("postgres", func(t *testing.T) {
		pg := testenv.PostgreSQL(t)
		dsn := database.NewScratch(t, pg)
		pool, err := pgxpool.New(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		tg := pgTarget{t: t, pool: pool}
		runScenario(t, tg, func(want map[string]database.VacuumAction) map[string]database.VacuumAction {
			// Statistics reach the shared counters asynchronously.
			deadline := time.Now().Add(10 * time.Second)
			for {
				got := actions(t, tg.source())
				ok := true
				for k, v := range want {
					ok = ok && got[k] == v
				}
				if ok || time.Now().After(deadline) {
					return got
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
	})
}

func TestAdvisorFreezeAndBloat(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := databasefake.NewStats(func() time.Time { return now })
	if err := s.CreateTable("public", "old", map[string]string{"autovacuum_freeze_max_age": "1000000"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTable("public", "young", nil); err != nil {
		t.Fatal(err)
	}
	_ = s.Insert("public", "old", 100000)
	_ = s.Insert("public", "young", 100)
	_ = s.Vacuum("public", "old", false)
	_ = s.Analyze("public", "old")
	_ = s.Vacuum("public", "young", false)
	_ = s.Analyze("public", "young")
	s.ConsumeXIDs(1_200_000)
	_ = s.Delete("public", "old", 90000)
	_ = s.Vacuum("public", "old", false) // frees the rows but keeps the pages
	now = now.Add(3 * time.Hour)
	adv, err := database.Advise(context.Background(), s, now)
	if err != nil {
		t.Fatal(err)
	}
	old, young := adv[0], adv[1]
	if old.Table.Name != "old" || old.Action != database.ActionFreeze || old.FreezeMaxAge != 1000000 || old.XIDAgeRatio < 1 {
		t.Fatalf("old: %+v, want a freeze first (per-table freeze max age 1M, age 1.2M)", old)
	}
	if old.BloatBytes < 700*8192 || old.SinceVacuum != 3*time.Hour {
		t.Fatalf("old: bloat %d bytes, since vacuum %v", old.BloatBytes, old.SinceVacuum)
	}
	if young.Action != database.ActionFreeze || young.XIDAgeRatio >= 1 {
		// 1.2M of the default 200M: no freeze yet.
		if young.Action != database.ActionNone {
			t.Fatalf("young: %+v", young)
		}
	}
	_ = s.Vacuum("public", "old", true)
	_ = s.Analyze("public", "old")
	adv, _ = database.Advise(context.Background(), s, now)
	for _, a := range adv {
		if a.Action != database.ActionNone {
			t.Fatalf("after VACUUM FREEZE: %s still %s (%v)", a.Table.Name, a.Action, a.Reasons)
		}
	}
}
