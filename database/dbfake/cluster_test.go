package dbfake_test

import (
	"testing"
	"time"

	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/dbfake"
)

func TestDecideOnCluster(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := dbfake.NewCluster(2, func() time.Time { return now })
	opts := database.RouterOptions{MaxLagBytes: 1 << 20, MaxLagTime: 5 * time.Second}
	decide := func() database.Decision { return database.Decide(opts, 0, 0, c.Probes(), now) }
	same := func(what string, got []int, want ...int) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%s: readable %v, want %v", what, got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%s: readable %v, want %v", what, got, want)
			}
		}
	}
	_ = c.Write(100)
	d := decide()
	if d.Primary != 0 {
		t.Fatalf("primary %d", d.Primary)
	}
	same("caught up", d.Readable, 1, 2)

	// Idle for an hour: the last replayed commit is old, but nothing is
	// outstanding, so the replicas stay readable.
	now = now.Add(time.Hour)
	same("idle primary", decide().Readable, 1, 2)

	// Paused replay and 2 MiB of writes: replica 1 leaves rotation.
	c.PauseReplay(1)
	_ = c.Write(2 << 20)
	d = decide()
	same("replica 1 paused", d.Readable, 2)
	if d.Status[1].LagBytes != 2<<20 {
		t.Fatalf("lag bytes %d", d.Status[1].LagBytes)
	}
	// Small lag in bytes but old: the time bound trips too.
	c.ResumeReplay(1)
	c.PauseReplay(2)
	_ = c.Write(10)
	now = now.Add(10 * time.Second)
	d = decide()
	same("replica 2 behind for 10s", d.Readable, 1)
	if d.Status[2].LagTime != 10*time.Second {
		t.Fatalf("lag time %v", d.Status[2].LagTime)
	}
	c.ResumeReplay(2)
	same("resumed", decide().Readable, 1, 2)

	// Replica loss and return.
	c.Stop(1)
	same("replica 1 stopped", decide().Readable, 2)
	_ = c.Write(4 << 20)
	c.Start(1)
	same("replica 1 back, caught up", decide().Readable, 1, 2)

	// Failover: the primary stops, replica 2 is promoted.
	c.Stop(0)
	if d := decide(); d.Primary != -1 {
		t.Fatalf("primary %d while stopped", d.Primary)
	}
	c.Promote(2)
	_ = c.Write(100)
	d = database.Decide(opts, 0, 0, c.Probes(), now)
	if d.Primary != 2 {
		t.Fatalf("after promotion primary = %d, want 2", d.Primary)
	}
	same("after promotion", d.Readable, 1)
}
