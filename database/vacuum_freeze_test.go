package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/databasefake"
)

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
