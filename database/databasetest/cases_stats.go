package databasetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/database"
)

func statsCases() []testCase {
	return []testCase{
		{"StatsSettings", testStatsSettings},
		{"StatsNewTable", testStatsNewTable},
		{"StatsCountWrites", testStatsCountWrites},
		{"StatsVacuumResets", testStatsVacuumResets},
		{"AdvisorScenario", testAdvisorScenario},
	}
}

// statsWait bounds how long the suite waits for counters: a server's
// backends report them asynchronously.
const statsWait = 10 * time.Second

func stats(t *testing.T, h Harness) (database.StatsSource, Tables) {
	t.Helper()
	sh, ok := h.(StatsHarness)
	if !ok {
		t.Skip("harness has no statistics source (no StatsHarness)")
	}
	return sh.Stats(t)
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// table returns the statistics of public.name, or false.
func table(t *testing.T, src database.StatsSource, name string) (database.TableStats, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ts, err := src.Tables(ctx)
	if err != nil {
		t.Fatalf("Tables: %v", err)
	}
	for _, s := range ts {
		if s.Schema == "public" && s.Name == name {
			return s, true
		}
	}
	return database.TableStats{}, false
}

// waitTable waits until public.name's statistics satisfy ok.
func waitTable(t *testing.T, src database.StatsSource, name, what string, ok func(database.TableStats) bool) database.TableStats {
	t.Helper()
	var last database.TableStats
	eventually(t, statsWait, what, func() (bool, string) {
		s, found := table(t, src, name)
		last = s
		return found && ok(s), fmt.Sprintf("found=%v %+v", found, s)
	})
	return last
}

// Rule: the settings are the server's autovacuum parameters.
func testStatsSettings(t *testing.T, h Harness) {
	src, _ := stats(t, h)
	v, err := src.VacuumSettings(context.Background())
	if err != nil {
		t.Fatalf("VacuumSettings: %v", err)
	}
	if v.VacuumThreshold < 0 || v.VacuumScaleFactor <= 0 || v.AnalyzeScaleFactor <= 0 || v.FreezeMaxAge <= 0 || v.MultixactFreezeMaxAge <= 0 || v.Naptime <= 0 {
		t.Fatalf("VacuumSettings %+v: want PostgreSQL's parameters, all set", v)
	}
}

// Rule: a new table is reported with reltuples -1 (never vacuumed or
// analyzed), no tuples, and its reloptions.
func testStatsNewTable(t *testing.T, h Harness) {
	src, tb := stats(t, h)
	must(t, tb.Create("fresh", map[string]string{"autovacuum_vacuum_threshold": "10"}))
	s := waitTable(t, src, "fresh", "the new table is listed", func(database.TableStats) bool { return true })
	if s.RelTuples >= 0 || s.LiveTuples != 0 || s.DeadTuples != 0 || !s.LastVacuum.IsZero() {
		t.Errorf("new table %+v: want reltuples < 0, no tuples, never vacuumed", s)
	}
	if s.Options["autovacuum_vacuum_threshold"] != "10" || s.Options["autovacuum_enabled"] == "" {
		t.Errorf("new table options %v: want autovacuum_vacuum_threshold=10 and autovacuum_enabled set", s.Options)
	}
}

// Rule: inserts count as live tuples, inserts since vacuum and
// modifications; updates and deletes leave dead tuples.
func testStatsCountWrites(t *testing.T, h Harness) {
	src, tb := stats(t, h)
	must(t, tb.Create("counted", nil))
	must(t, tb.Insert("counted", 100))
	waitTable(t, src, "counted", "100 inserts counted", func(s database.TableStats) bool {
		return s.LiveTuples == 100 && s.InsertsSinceVacuum == 100 && s.ModsSinceAnalyze == 100
	})
	must(t, tb.Update("counted", 20))
	// A server may prune some dead versions at once (HOT): up to 20.
	waitTable(t, src, "counted", "20 updates leave dead tuples", func(s database.TableStats) bool {
		return s.LiveTuples == 100 && s.DeadTuples > 0 && s.DeadTuples <= 20 && s.ModsSinceAnalyze == 120
	})
	must(t, tb.Delete("counted", 30))
	waitTable(t, src, "counted", "30 deletes counted", func(s database.TableStats) bool {
		return s.LiveTuples == 70 && s.DeadTuples >= 30 && s.DeadTuples <= 50 && s.ModsSinceAnalyze == 150
	})
}

// Rule: VACUUM (ANALYZE) clears dead tuples, inserts since vacuum and
// modifications since analyze, sets reltuples to the live count and
// records when it ran.
func testStatsVacuumResets(t *testing.T, h Harness) {
	src, tb := stats(t, h)
	must(t, tb.Create("vacuumed", nil))
	must(t, tb.Insert("vacuumed", 100))
	must(t, tb.Delete("vacuumed", 40))
	waitTable(t, src, "vacuumed", "the writes counted", func(s database.TableStats) bool { return s.LiveTuples == 60 })
	must(t, tb.VacuumAnalyze("vacuumed"))
	s := waitTable(t, src, "vacuumed", "VACUUM (ANALYZE) resets the counters", func(s database.TableStats) bool {
		return s.DeadTuples == 0 && s.InsertsSinceVacuum == 0 && s.ModsSinceAnalyze == 0 && !s.LastVacuum.IsZero() && !s.LastAnalyze.IsZero()
	})
	if s.RelTuples != 60 || s.RowWidth <= 0 || s.RelPages <= 0 {
		t.Errorf("after VACUUM (ANALYZE): %+v, want reltuples 60, a row width and pages", s)
	}
}

// The advisor's verdicts through a sequence of writes and vacuums.
func testAdvisorScenario(t *testing.T, h Harness) {
	src, tb := stats(t, h)
	step := func(what string, want map[string]database.VacuumAction) {
		t.Helper()
		var got map[string]database.VacuumAction
		eventually(t, statsWait, what, func() (bool, string) {
			got = actions(t, src)
			for k, v := range want {
				if got[k] != v {
					return false, fmt.Sprintf("%s advised %q, want %q (all: %v)", k, got[k], v, got)
				}
			}
			return true, ""
		})
	}
	N := database.ActionNone
	must(t, tb.Create("big", nil))
	must(t, tb.Create("tuned", map[string]string{"autovacuum_vacuum_threshold": "10", "autovacuum_vacuum_scale_factor": "0", "autovacuum_analyze_threshold": "1000000"}))
	must(t, tb.Create("plain", map[string]string{"autovacuum_analyze_threshold": "1000000"}))
	must(t, tb.Insert("big", 10000))
	must(t, tb.Insert("tuned", 100))
	must(t, tb.Insert("plain", 100))
	step("after loading (inserts past the insert and analyze triggers)", map[string]database.VacuumAction{"big": database.ActionVacuum})
	for _, n := range []string{"big", "tuned", "plain"} {
		must(t, tb.VacuumAnalyze(n))
	}
	step("after vacuum", map[string]database.VacuumAction{"big": N, "tuned": N, "plain": N})
	must(t, tb.Update("tuned", 20)) // 20 dead > threshold 10 (reloptions)
	must(t, tb.Update("plain", 20)) // 20 dead < 50 + 0.2*100
	step("after 20 updates", map[string]database.VacuumAction{"tuned": database.ActionVacuum, "plain": N})
	must(t, tb.Delete("big", 1500)) // 1500 dead < 2050; 1500 mods > 1050
	step("after deleting 1500", map[string]database.VacuumAction{"big": database.ActionAnalyze})
	must(t, tb.Delete("big", 1000)) // 2500 dead > 2050
	step("after deleting 2500", map[string]database.VacuumAction{"big": database.ActionVacuum})
	must(t, tb.VacuumAnalyze("big"))
	must(t, tb.VacuumAnalyze("tuned"))
	step("after vacuum", map[string]database.VacuumAction{"big": N, "tuned": N, "plain": N})
}

// actions maps table name to advised action.
func actions(t *testing.T, src database.StatsSource) map[string]database.VacuumAction {
	t.Helper()
	adv, err := database.Advise(context.Background(), src, time.Now())
	if err != nil {
		t.Fatalf("Advise: %v", err)
	}
	out := map[string]database.VacuumAction{}
	for _, a := range adv {
		out[a.Table.Name] = a.Action
	}
	return out
}
