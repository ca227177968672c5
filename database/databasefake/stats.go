package databasefake

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/opskit-dev/opskit/database"
)

// Stats is an in-memory database.StatsSource. The zero value is not
// usable; call NewStats.
type Stats struct {
	mu       sync.Mutex
	settings database.VacuumSettings
	tables   map[string]*database.TableStats
	now      func() time.Time
}

var _ database.StatsSource = (*Stats)(nil)

// NewStats returns a source with PostgreSQL 15's default settings; now
// supplies the clock (time.Now when nil).
func NewStats(now func() time.Time) *Stats {
	if now == nil {
		now = time.Now
	}
	return &Stats{settings: database.DefaultVacuumSettings(), tables: map[string]*database.TableStats{}, now: now}
}

// SetSettings replaces the server-wide autovacuum settings.
func (s *Stats) SetSettings(v database.VacuumSettings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings = v
}

// CreateTable adds an empty table with reloptions (may be nil). Like
// PostgreSQL it starts with reltuples -1 (never vacuumed or analyzed).
func (s *Stats) CreateTable(schema, name string, options map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := schema + "." + name
	if _, ok := s.tables[k]; ok {
		return fmt.Errorf("databasefake: table %s already exists", k)
	}
	s.tables[k] = &database.TableStats{Schema: schema, Name: name, RelTuples: -1, Options: maps.Clone(options)}
	return nil
}

func (s *Stats) table(schema, name string) (*database.TableStats, error) {
	t, ok := s.tables[schema+"."+name]
	if !ok {
		return nil, fmt.Errorf("databasefake: no table %s.%s", schema, name)
	}
	return t, nil
}

// Insert records n inserted rows (one transaction).
func (s *Stats) Insert(schema, name string, n int64) error {
	return s.modify(schema, name, func(t *database.TableStats) {
		t.LiveTuples += n
		t.InsertsSinceVacuum += n
		t.ModsSinceAnalyze += n
		t.RelPages = pages(t.LiveTuples + t.DeadTuples)
	})
}

// Update records n updated rows: each leaves a dead tuple version.
func (s *Stats) Update(schema, name string, n int64) error {
	return s.modify(schema, name, func(t *database.TableStats) {
		n := min(n, t.LiveTuples)
		t.DeadTuples += n
		t.ModsSinceAnalyze += n
		t.RelPages = max(t.RelPages, pages(t.LiveTuples+t.DeadTuples))
	})
}

// Delete records n deleted rows.
func (s *Stats) Delete(schema, name string, n int64) error {
	return s.modify(schema, name, func(t *database.TableStats) {
		n := min(n, t.LiveTuples)
		t.LiveTuples -= n
		t.DeadTuples += n
		t.ModsSinceAnalyze += n
	})
}

// modify applies f and ages every table by the one XID the write used.
func (s *Stats) modify(schema, name string, f func(*database.TableStats)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.table(schema, name)
	if err != nil {
		return err
	}
	f(t)
	for _, o := range s.tables {
		o.XIDAge++
	}
	return nil
}

// ConsumeXIDs ages every table by n transaction IDs.
func (s *Stats) ConsumeXIDs(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tables {
		t.XIDAge += n
	}
}

// Vacuum does what VACUUM does to the statistics: dead tuples and inserts
// since vacuum go to zero, reltuples becomes the live count, and with freeze
// the table's XID age drops to zero. Pages are not returned (only VACUUM
// FULL shrinks a table), so the freed space shows up as bloat.
func (s *Stats) Vacuum(schema, name string, freeze bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.table(schema, name)
	if err != nil {
		return err
	}
	t.DeadTuples, t.InsertsSinceVacuum = 0, 0
	t.RelTuples = float64(t.LiveTuples)
	t.LastVacuum = s.now()
	if freeze {
		t.XIDAge, t.MXIDAge = 0, 0
	}
	return nil
}

// Analyze does what ANALYZE does to the statistics.
func (s *Stats) Analyze(schema, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.table(schema, name)
	if err != nil {
		return err
	}
	t.ModsSinceAnalyze = 0
	t.RelTuples = float64(t.LiveTuples)
	t.LastAnalyze = s.now()
	if t.RowWidth == 0 {
		t.RowWidth = rowWidth
	}
	return nil
}

// VacuumSettings returns the server-wide settings.
func (s *Stats) VacuumSettings(ctx context.Context) (database.VacuumSettings, error) {
	if err := ctx.Err(); err != nil {
		return database.VacuumSettings{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings, nil
}

// Tables returns a copy of every table's statistics, sorted by name.
func (s *Stats) Tables(ctx context.Context) ([]database.TableStats, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]database.TableStats, 0, len(s.tables))
	for _, k := range slices.Sorted(maps.Keys(s.tables)) {
		t := *s.tables[k]
		t.Options = maps.Clone(t.Options)
		out = append(out, t)
	}
	return out, nil
}

// rowWidth is the average row width the fake assumes (bytes).
const rowWidth = 40

// pages is how many 8 KiB heap pages n rows of rowWidth bytes fill.
func pages(n int64) int64 {
	perPage := int64((8192 - 24) / (rowWidth + 28))
	return (n + perPage - 1) / perPage
}
