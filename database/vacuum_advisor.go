package database

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"time"
)

// VacuumAction is what the advisor recommends for a table.
type VacuumAction string

// Actions, most urgent first.
const (
	ActionFreeze  VacuumAction = "vacuum-freeze"  // XID or multixact age past half the freeze trigger
	ActionVacuum  VacuumAction = "vacuum-analyze" // dead or inserted tuples past the trigger
	ActionAnalyze VacuumAction = "analyze"        // modifications past the analyze trigger
	ActionNone    VacuumAction = "none"
)

// TableAdvice is the advisor's verdict on one table.
type TableAdvice struct {
	Table TableStats
	// Autovacuum reports whether autovacuum runs on this table (server
	// setting and the autovacuum_enabled reloption).
	Autovacuum bool
	// VacuumTrigger is threshold + scale_factor × reltuples: autovacuum
	// vacuums once DeadTuples exceeds it. InsertTrigger and AnalyzeTrigger
	// are the same for inserts since the last vacuum and modifications
	// since the last analyze (InsertTrigger < 0: disabled).
	VacuumTrigger, InsertTrigger, AnalyzeTrigger float64
	// FreezeMaxAge is the XID age at which an anti-wraparound vacuum is
	// forced (per-table reloption or server setting); XIDAgeRatio is
	// Table.XIDAge / FreezeMaxAge.
	FreezeMaxAge int64
	XIDAgeRatio  float64
	// MultixactFreezeMaxAge is the multixact age at which an
	// anti-wraparound vacuum is forced (per-table reloption or server
	// setting); MXIDAgeRatio is Table.MXIDAge / MultixactFreezeMaxAge.
	MultixactFreezeMaxAge int64
	MXIDAgeRatio          float64
	// BloatBytes estimates the space a VACUUM FULL or repack would return:
	// the table's pages minus what its live rows need at its fillfactor.
	BloatBytes int64
	// SinceVacuum is the time since the last manual or automatic vacuum
	// (0 when never).
	SinceVacuum time.Duration
	// Action and Urgency: tables are returned most urgent first. Urgency
	// is the largest of dead/VacuumTrigger, inserts/InsertTrigger,
	// mods/AnalyzeTrigger/2, 2×XIDAgeRatio and 2×MXIDAgeRatio, so 1 means
	// "autovacuum would act now" and a table half-way to a forced freeze
	// (of transaction IDs or of multixact IDs) ranks with it.
	Action  VacuumAction
	Urgency float64
	// Reasons explain the action.
	Reasons []string
}

// Advise computes per-table advice from src, most urgent first.
func Advise(ctx context.Context, src StatsSource, now time.Time) ([]TableAdvice, error) {
	global, err := src.VacuumSettings(ctx)
	if err != nil {
		return nil, err
	}
	tables, err := src.Tables(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]TableAdvice, 0, len(tables))
	for _, t := range tables {
		out = append(out, AdviseTable(global, t, now))
	}
	slices.SortStableFunc(out, func(a, b TableAdvice) int {
		if c := cmp.Compare(b.Urgency, a.Urgency); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Table.Schema, b.Table.Schema); c != 0 {
			return c
		}
		return cmp.Compare(a.Table.Name, b.Table.Name)
	})
	return out, nil
}

// AdviseTable applies PostgreSQL's autovacuum trigger rules, with the
// table's reloptions overriding the server settings, to one table.
func AdviseTable(global VacuumSettings, t TableStats, now time.Time) TableAdvice {
	s := global
	for k, v := range t.Options {
		if len(k) > len("autovacuum_") && k[:len("autovacuum_")] == "autovacuum_" {
			applyVacuumOption(&s, k[len("autovacuum_"):], v)
		}
	}
	if v, ok := t.Options["autovacuum_enabled"]; ok {
		if b, valid := parseBool(v); valid {
			s.Autovacuum = global.Autovacuum && b
		}
	}
	reltuples := math.Max(t.RelTuples, 0)
	a := TableAdvice{
		Table:          t,
		Autovacuum:     s.Autovacuum,
		VacuumTrigger:  float64(s.VacuumThreshold) + s.VacuumScaleFactor*reltuples,
		AnalyzeTrigger: float64(s.AnalyzeThreshold) + s.AnalyzeScaleFactor*reltuples,
		InsertTrigger:  -1,
		FreezeMaxAge:   s.FreezeMaxAge,
		Action:         ActionNone,

		MultixactFreezeMaxAge: s.MultixactFreezeMaxAge,
	}
	if s.InsertThreshold >= 0 {
		a.InsertTrigger = float64(s.InsertThreshold) + s.InsertScaleFactor*reltuples
	}
	if s.FreezeMaxAge > 0 {
		a.XIDAgeRatio = float64(t.XIDAge) / float64(s.FreezeMaxAge)
	}
	if s.MultixactFreezeMaxAge > 0 {
		a.MXIDAgeRatio = float64(t.MXIDAge) / float64(s.MultixactFreezeMaxAge)
	}
	last := t.LastVacuum
	if t.LastAutovacuum.After(last) {
		last = t.LastAutovacuum
	}
	if !last.IsZero() {
		a.SinceVacuum = now.Sub(last)
	}
	a.BloatBytes = bloat(t)

	dead := float64(t.DeadTuples) / math.Max(a.VacuumTrigger, 1)
	ins := 0.0
	if a.InsertTrigger >= 0 {
		ins = float64(t.InsertsSinceVacuum) / math.Max(a.InsertTrigger, 1)
	}
	anl := float64(t.ModsSinceAnalyze) / math.Max(a.AnalyzeTrigger, 1)
	a.Urgency = max(dead, ins, anl/2, 2*a.XIDAgeRatio, 2*a.MXIDAgeRatio)
	switch {
	case a.XIDAgeRatio >= 1:
		a.Action = ActionFreeze
		a.Reasons = append(a.Reasons, "xid age "+strconv.FormatInt(t.XIDAge, 10)+" past freeze max age "+strconv.FormatInt(s.FreezeMaxAge, 10)+": anti-wraparound vacuum due")
	case a.XIDAgeRatio >= 0.5:
		a.Action = ActionFreeze
		a.Reasons = append(a.Reasons, "xid age "+strconv.FormatInt(t.XIDAge, 10)+" over half of freeze max age: freeze before autovacuum is forced to")
	}
	switch {
	case a.MXIDAgeRatio >= 1:
		a.Action = ActionFreeze
		a.Reasons = append(a.Reasons, "multixact age "+strconv.FormatInt(t.MXIDAge, 10)+" past multixact freeze max age "+strconv.FormatInt(s.MultixactFreezeMaxAge, 10)+": anti-wraparound vacuum due")
	case a.MXIDAgeRatio >= 0.5:
		a.Action = ActionFreeze
		a.Reasons = append(a.Reasons, "multixact age "+strconv.FormatInt(t.MXIDAge, 10)+" over half of multixact freeze max age: freeze before autovacuum is forced to")
	}
	if dead > 1 {
		a.Reasons = append(a.Reasons, "dead tuples "+strconv.FormatInt(t.DeadTuples, 10)+" past vacuum trigger "+strconv.FormatFloat(a.VacuumTrigger, 'f', 0, 64))
	}
	if ins > 1 {
		a.Reasons = append(a.Reasons, "inserts since vacuum "+strconv.FormatInt(t.InsertsSinceVacuum, 10)+" past insert trigger "+strconv.FormatFloat(a.InsertTrigger, 'f', 0, 64))
	}
	if a.Action == ActionNone && (dead > 1 || ins > 1) {
		a.Action = ActionVacuum
	}
	if anl > 1 {
		a.Reasons = append(a.Reasons, "modifications since analyze "+strconv.FormatInt(t.ModsSinceAnalyze, 10)+" past analyze trigger "+strconv.FormatFloat(a.AnalyzeTrigger, 'f', 0, 64))
		if a.Action == ActionNone {
			a.Action = ActionAnalyze
		}
	}
	if !s.Autovacuum && a.Action != ActionNone {
		a.Reasons = append(a.Reasons, "autovacuum is disabled for this table")
	}
	return a
}

// bloat estimates wasted bytes: pages beyond what live rows need.
func bloat(t TableStats) int64 {
	const page, pageHeader, tupleOverhead = 8192, 24, 28 // tuple header + line pointer
	if t.RelPages == 0 {
		return 0
	}
	fill := 100.0
	if v, err := strconv.ParseFloat(t.Options["fillfactor"], 64); err == nil && v > 0 {
		fill = v
	}
	width := t.RowWidth
	if width == 0 {
		width = 32 // not analyzed: assume a narrow row
	}
	live := math.Max(float64(t.LiveTuples), math.Max(t.RelTuples, 0))
	perPage := math.Floor((page - pageHeader) * fill / 100 / float64(width+tupleOverhead))
	need := math.Ceil(live / math.Max(perPage, 1))
	waste := float64(t.RelPages) - need
	if waste <= 0 {
		return 0
	}
	return int64(waste) * page
}
