package database

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// VacuumSettings are the server-wide autovacuum parameters.
type VacuumSettings struct {
	Autovacuum            bool
	VacuumThreshold       int64
	VacuumScaleFactor     float64
	InsertThreshold       int64 // -1 disables insert-triggered vacuum
	InsertScaleFactor     float64
	AnalyzeThreshold      int64
	AnalyzeScaleFactor    float64
	FreezeMaxAge          int64
	MultixactFreezeMaxAge int64
	Naptime               time.Duration
}

// DefaultVacuumSettings are PostgreSQL 15's defaults.
func DefaultVacuumSettings() VacuumSettings {
	return VacuumSettings{
		Autovacuum: true, VacuumThreshold: 50, VacuumScaleFactor: 0.2,
		InsertThreshold: 1000, InsertScaleFactor: 0.2,
		AnalyzeThreshold: 50, AnalyzeScaleFactor: 0.1,
		FreezeMaxAge: 200_000_000, MultixactFreezeMaxAge: 400_000_000, Naptime: time.Minute,
	}
}

// TableStats is what the advisor knows about one table: pg_class,
// pg_stat_user_tables and the table's reloptions.
type TableStats struct {
	Schema, Name string
	// RelTuples and RelPages are pg_class's estimates (RelTuples < 0: never
	// vacuumed or analyzed).
	RelTuples float64
	RelPages  int64
	// LiveTuples, DeadTuples, ModsSinceAnalyze and InsertsSinceVacuum are
	// the cumulative statistics counters.
	LiveTuples, DeadTuples, ModsSinceAnalyze, InsertsSinceVacuum int64
	LastVacuum, LastAutovacuum, LastAnalyze, LastAutoanalyze     time.Time
	// XIDAge is age(relfrozenxid); MXIDAge is mxid_age(relminmxid).
	XIDAge, MXIDAge int64
	// RowWidth is the average row width in bytes from pg_stats (0 when
	// the table was never analyzed).
	RowWidth int64
	// Options are the table's reloptions (autovacuum_*, fillfactor).
	Options map[string]string
}

// QualifiedName is schema.name, quoted for SQL.
func (t TableStats) QualifiedName() string {
	return ident(t.Schema) + "." + ident(t.Name)
}

// StatsSource supplies vacuum statistics to Advise. PGStats reads a live
// server; databasefake.Stats is an in-memory one for tests of automation
// built on the advisor.
//
// Rules every source follows, checked by database/databasetest:
//   - VacuumSettings returns the server-wide autovacuum parameters, all set.
//   - Tables lists every user table with its reloptions; a table never
//     vacuumed or analyzed has RelTuples < 0 and no tuples.
//   - Inserts count as live tuples, inserts since vacuum and modifications
//     since analyze; updates and deletes leave dead tuples (a server may
//     prune some at once) and count as modifications.
//   - VACUUM (ANALYZE) clears dead tuples, inserts since vacuum and
//     modifications since analyze, sets RelTuples to the live count,
//     records LastVacuum and LastAnalyze, and gives a row width.
//   - Counters may trail the writes briefly (a server's backends report
//     them asynchronously); the suite waits up to 10s for them.
type StatsSource interface {
	// VacuumSettings returns the server-wide autovacuum parameters.
	VacuumSettings(ctx context.Context) (VacuumSettings, error)
	// Tables returns every user table's statistics.
	Tables(ctx context.Context) ([]TableStats, error)
}

// PGStats reads statistics from the database Q is connected to.
type PGStats struct{ Q Querier }

// VacuumSettings reads the autovacuum parameters from pg_settings.
func (s PGStats) VacuumSettings(ctx context.Context) (VacuumSettings, error) {
	rows, err := s.Q.Query(ctx, `SELECT name, setting FROM pg_settings WHERE name IN ('autovacuum', 'autovacuum_vacuum_threshold',
		'autovacuum_vacuum_scale_factor', 'autovacuum_vacuum_insert_threshold', 'autovacuum_vacuum_insert_scale_factor',
		'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor', 'autovacuum_freeze_max_age',
		'autovacuum_multixact_freeze_max_age', 'autovacuum_naptime')`)
	if err != nil {
		return VacuumSettings{}, fmt.Errorf("database: vacuum settings: %w", err)
	}
	defer rows.Close()
	v := DefaultVacuumSettings()
	for rows.Next() {
		var name, val string
		if err := rows.Scan(&name, &val); err != nil {
			return VacuumSettings{}, fmt.Errorf("database: vacuum settings: %w", err)
		}
		applyVacuumOption(&v, strings.TrimPrefix(name, "autovacuum_"), val)
		if name == "autovacuum" {
			v.Autovacuum, _ = parseBool(val)
		}
	}
	return v, rows.Err()
}

// applyVacuumOption sets one parameter given without its autovacuum_ prefix.
func applyVacuumOption(v *VacuumSettings, name, val string) {
	i, ierr := strconv.ParseInt(val, 10, 64)
	f, ferr := strconv.ParseFloat(val, 64)
	switch {
	case name == "vacuum_threshold" && ierr == nil:
		v.VacuumThreshold = i
	case name == "vacuum_scale_factor" && ferr == nil:
		v.VacuumScaleFactor = f
	case name == "vacuum_insert_threshold" && ierr == nil:
		v.InsertThreshold = i
	case name == "vacuum_insert_scale_factor" && ferr == nil:
		v.InsertScaleFactor = f
	case name == "analyze_threshold" && ierr == nil:
		v.AnalyzeThreshold = i
	case name == "analyze_scale_factor" && ferr == nil:
		v.AnalyzeScaleFactor = f
	case name == "freeze_max_age" && ierr == nil:
		// A table may only lower the server-wide freeze age.
		if v.FreezeMaxAge == 0 || i < v.FreezeMaxAge {
			v.FreezeMaxAge = i
		}
	case name == "multixact_freeze_max_age" && ierr == nil:
		if v.MultixactFreezeMaxAge == 0 || i < v.MultixactFreezeMaxAge {
			v.MultixactFreezeMaxAge = i
		}
	case name == "naptime" && ierr == nil:
		v.Naptime = time.Duration(i) * time.Second
	case name == "enabled":
		// A spelling PostgreSQL would refuse leaves the setting alone.
		if b, ok := parseBool(val); ok {
			v.Autovacuum = b
		}
	}
}

// tableStatsSQL reads pg_class and calls the statistics functions
// pg_stat_user_tables is built on directly, skipping the view's per-table
// join over pg_index (index scan totals the advisor does not use).
const tableStatsSQL = `SELECT n.nspname::text, c.relname::text, c.reltuples::float8, c.relpages::int8,
  pg_stat_get_live_tuples(c.oid), pg_stat_get_dead_tuples(c.oid), pg_stat_get_mod_since_analyze(c.oid), pg_stat_get_ins_since_vacuum(c.oid),
  pg_stat_get_last_vacuum_time(c.oid), pg_stat_get_last_autovacuum_time(c.oid),
  pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid),
  age(c.relfrozenxid)::int8, mxid_age(c.relminmxid)::int8,
  COALESCE(w.width, 0)::int8, COALESCE(c.reloptions, '{}')
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN (SELECT schemaname, tablename, sum(avg_width) AS width FROM pg_stats GROUP BY 1, 2) w
  ON w.schemaname = n.nspname AND w.tablename = c.relname
WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`

// Tables reads every user table's statistics.
func (s PGStats) Tables(ctx context.Context) ([]TableStats, error) {
	rows, err := s.Q.Query(ctx, tableStatsSQL)
	if err != nil {
		return nil, fmt.Errorf("database: table statistics: %w", err)
	}
	defer rows.Close()
	var out []TableStats
	for rows.Next() {
		var t TableStats
		var lv, lav, la, laa *time.Time
		var opts []string
		if err := rows.Scan(&t.Schema, &t.Name, &t.RelTuples, &t.RelPages, &t.LiveTuples, &t.DeadTuples, &t.ModsSinceAnalyze, &t.InsertsSinceVacuum,
			&lv, &lav, &la, &laa, &t.XIDAge, &t.MXIDAge, &t.RowWidth, &opts); err != nil {
			return nil, fmt.Errorf("database: table statistics: %w", err)
		}
		t.LastVacuum, t.LastAutovacuum, t.LastAnalyze, t.LastAutoanalyze = deref(lv), deref(lav), deref(la), deref(laa)
		if len(opts) > 0 {
			t.Options = make(map[string]string, len(opts))
			for _, o := range opts {
				if k, v, ok := strings.Cut(o, "="); ok {
					t.Options[k] = v
				}
			}
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}
