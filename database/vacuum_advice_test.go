package database

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestAdviseMultixactAge: a table whose multixact age is past
// autovacuum_multixact_freeze_max_age (450M against the default 400M) gets
// an anti-wraparound freeze, and one half-way there ranks like an XID age
// half-way to its trigger.
func TestAdviseMultixactAge(t *testing.T) {
	g := DefaultVacuumSettings()
	now := time.Now()
	a := AdviseTable(g, TableStats{Schema: "public", Name: "locked", RelTuples: 1000, MXIDAge: 450_000_000}, now)
	if a.Action != ActionFreeze || a.MXIDAgeRatio < 1 || a.Urgency < 2 || a.MultixactFreezeMaxAge != 400_000_000 {
		t.Fatalf("multixact age 450M: action %s ratio %.2f urgency %.2f max %d", a.Action, a.MXIDAgeRatio, a.Urgency, a.MultixactFreezeMaxAge)
	}
	if !strings.Contains(strings.Join(a.Reasons, "; "), "multixact age 450000000 past multixact freeze max age 400000000") {
		t.Fatalf("reasons %q", a.Reasons)
	}
	half := AdviseTable(g, TableStats{Name: "half", RelTuples: 1000, MXIDAge: 200_000_000}, now)
	if half.Action != ActionFreeze || half.Urgency != 1 {
		t.Fatalf("multixact age 200M: action %s urgency %.2f, want freeze at urgency 1", half.Action, half.Urgency)
	}
	// A per-table reloption lowers the trigger.
	low := AdviseTable(g, TableStats{Name: "low", RelTuples: 1000, MXIDAge: 150_000_000,
		Options: map[string]string{"autovacuum_multixact_freeze_max_age": "100000000"}}, now)
	if low.Action != ActionFreeze || low.MXIDAgeRatio != 1.5 {
		t.Fatalf("reloption 100M at age 150M: action %s ratio %.2f", low.Action, low.MXIDAgeRatio)
	}
	young := AdviseTable(g, TableStats{Name: "young", RelTuples: 1000, MXIDAge: 1000}, now)
	if young.Action != ActionNone {
		t.Fatalf("young table: %s %q", young.Action, young.Reasons)
	}
}

// TestParseBool follows PostgreSQL's parse_bool: the words, any case,
// unique prefixes, 1 and 0; nothing else.
func TestParseBool(t *testing.T) {
	for _, s := range []string{"true", "TRUE", "t", "tr", "tRu", "yes", "Y", "ye", "on", "ON", "On", "1"} {
		if v, ok := parseBool(s); !ok || !v {
			t.Errorf("parseBool(%q) = %v, %v; want true", s, v, ok)
		}
	}
	for _, s := range []string{"false", "F", "fal", "no", "N", "off", "OF", "oFf", "0"} {
		if v, ok := parseBool(s); !ok || v {
			t.Errorf("parseBool(%q) = %v, %v; want false", s, v, ok)
		}
	}
	for _, s := range []string{"", "o", "O", "truex", "yess", "offf", "10", "01", " on", "on ", "2", "enabled"} {
		if _, ok := parseBool(s); ok {
			t.Errorf("parseBool(%q) accepted; PostgreSQL refuses it", s)
		}
	}
}

// TestAutovacuumEnabledSpellings creates tables on the real server with
// every spelling PostgreSQL accepts for the autovacuum_enabled reloption
// (it stores them as written) and checks that the advisor reads each as
// the server does.
func TestAutovacuumEnabledSpellings(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	dsn, _, _ := scratchDB(t, pg)
	spellings := map[string]bool{
		"true": true, "TRUE": true, "t": true, "yes": true, "Ye": true, "on": true, "ON": true, "1": true,
		"false": false, "F": false, "no": false, "N": false, "off": false, "Of": false, "0": false,
	}
	var ddl strings.Builder
	i := 0
	names := map[string]bool{}
	for s, want := range spellings {
		name := "av" + string(rune('a'+i))
		i++
		names[name] = want
		ddl.WriteString("CREATE TABLE " + name + " (id int) WITH (autovacuum_enabled = '" + s + "');\n")
	}
	exec1(t, dsn, ddl.String())
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	adv, err := Advise(ctx, PGStats{Q: pool}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, a := range adv {
		want, ok := names[a.Table.Name]
		if !ok {
			continue
		}
		seen++
		if a.Autovacuum != want {
			t.Errorf("%s with autovacuum_enabled=%s: advisor says autovacuum %v, PostgreSQL %v", a.Table.Name, a.Table.Options["autovacuum_enabled"], a.Autovacuum, want)
		}
	}
	if seen != len(names) {
		t.Fatalf("advisor saw %d of %d tables", seen, len(names))
	}
}
