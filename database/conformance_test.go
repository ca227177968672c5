package database_test

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/databasefake"
	"github.com/opskit-dev/opskit/database/databasetest"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestConformance runs the databasetest suite on the fake and on the real
// primary and standby.
func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		databasetest.Run(t, func(t *testing.T) databasetest.Harness {
			return &fakeHarness{c: databasefake.NewCluster(1, nil)}
		})
	})
	t.Run("postgres", func(t *testing.T) {
		pg := testenv.PostgreSQL(t)
		databasetest.Run(t, func(t *testing.T) databasetest.Harness {
			return &pgHarness{pg: pg}
		})
	})
}

type fakeHarness struct{ c *databasefake.Cluster }

func (h *fakeHarness) Nodes(*testing.T) []database.Node { return h.c.Nodes() }
func (h *fakeHarness) Stop(_ *testing.T, i int)         { h.c.Stop(i) }
func (h *fakeHarness) Start(_ *testing.T, i int)        { h.c.Start(i) }

func (h *fakeHarness) Stats(*testing.T) (database.StatsSource, databasetest.Tables) {
	s := databasefake.NewStats(nil)
	return s, fakeTables{s}
}

type fakeTables struct{ s *databasefake.Stats }

func (f fakeTables) Create(n string, o map[string]string) error {
	o = maps.Clone(o)
	if o == nil {
		o = map[string]string{}
	}
	o["autovacuum_enabled"] = "false"
	return f.s.CreateTable("public", n, o)
}
func (f fakeTables) Insert(n string, k int64) error { return f.s.Insert("public", n, k) }
func (f fakeTables) Update(n string, k int64) error { return f.s.Update("public", n, k) }
func (f fakeTables) Delete(n string, k int64) error { return f.s.Delete("public", n, k) }
func (f fakeTables) VacuumAnalyze(n string) error {
	if err := f.s.Vacuum("public", n, false); err != nil {
		return err
	}
	return f.s.Analyze("public", n)
}

// pgHarness gives each case a scratch database on the primary and its
// standby: the servers are shared, so it cannot stop them (no Stopper).
type pgHarness struct{ pg testenv.Postgres }

func (h *pgHarness) Nodes(t *testing.T) []database.Node {
	p, r := database.NewScratchPair(t, h.pg)
	ns, err := database.DialNodes(context.Background(), p, r)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

func (h *pgHarness) Stats(t *testing.T) (database.StatsSource, databasetest.Tables) {
	dsn := database.NewScratch(t, h.pg)
	pool, err := pgxpool.New(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return database.PGStats{Q: pool}, pgTables{pool: pool}
}

type pgTables struct{ pool *pgxpool.Pool }

// exec runs sql on a fresh connection that is closed afterwards, so the
// backend flushes its statistics when it exits.
func (p pgTables) exec(sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, p.pool.Config().ConnString())
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}

func (p pgTables) Create(n string, o map[string]string) error {
	with := "autovacuum_enabled = false"
	for k, v := range o {
		with += fmt.Sprintf(", %s = %s", pgx.Identifier{k}.Sanitize(), pgx.Identifier{v}.Sanitize())
	}
	return p.exec(fmt.Sprintf("CREATE TABLE %s (id serial, v text) WITH (%s)", pgx.Identifier{n}.Sanitize(), with))
}

func (p pgTables) Insert(n string, k int64) error {
	return p.exec(fmt.Sprintf("INSERT INTO %s (v) SELECT md5(g::text) FROM generate_series(1, %d) g", pgx.Identifier{n}.Sanitize(), k))
}

func (p pgTables) Update(n string, k int64) error {
	return p.exec(fmt.Sprintf("UPDATE %s SET v = v || 'x' WHERE id IN (SELECT id FROM %[1]s ORDER BY id LIMIT %d)", pgx.Identifier{n}.Sanitize(), k))
}

func (p pgTables) Delete(n string, k int64) error {
	return p.exec(fmt.Sprintf("DELETE FROM %s WHERE id IN (SELECT id FROM %[1]s ORDER BY id LIMIT %d)", pgx.Identifier{n}.Sanitize(), k))
}

// VacuumAnalyze repeats VACUUM until it removed every dead tuple: the
// standby's hot_standby_feedback holds the xmin horizon back by up to
// wal_receiver_status_interval, and tuples deleted after it stay dead.
func (p pgTables) VacuumAnalyze(n string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		if err := p.exec("VACUUM (ANALYZE) " + pgx.Identifier{n}.Sanitize()); err != nil {
			return err
		}
		var dead int64
		if err := p.pool.QueryRow(context.Background(), "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = $1", n).Scan(&dead); err != nil {
			return err
		}
		if dead == 0 || time.Now().After(deadline) {
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
}
