package databasefake_test

import (
	"testing"
	"time"

	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/database/databasefake"
)

func TestDecideOnCluster(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := databasefake.NewCluster(2, func() time.Time { return now })
	opts := database.RouterOptions{MaxLagBytes: 1 << 20, MaxLagTime: 5 * time.Second}
	var hist []database.WALSample
	decide := func() database.Decision {
		d := database.Decide(opts, 0, hist, c.Probes(), now)
		hist = d.History
		return d
	}
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
	d = database.Decide(opts, 0, hist, c.Probes(), now)
	if d.Primary != 2 {
		t.Fatalf("after promotion primary = %d, want 2", d.Primary)
	}
	same("after promotion", d.Readable, 1)
}

// TestDecideReceiverStopped: a standby whose WAL receiver stopped has
// replayed everything it received, but the primary moves on; its lag is
// measured against the primary's positions over time, so it leaves
// rotation once it is MaxLagTime behind (it used to count as caught up
// for ever), and its lease ends then even without another probe.
func TestDecideReceiverStopped(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := databasefake.NewCluster(1, func() time.Time { return now })
	opts := database.RouterOptions{MaxLagBytes: 1 << 30, MaxLagTime: 2 * time.Second}
	var hist []database.WALSample
	decide := func() database.Decision {
		d := database.Decide(opts, 0, hist, c.Probes(), now)
		hist = d.History
		return d
	}
	_ = c.Write(100)
	d := decide()
	if len(d.Readable) != 1 || d.Status[1].LagTime != 0 || !d.Status[1].ReadableUntil.Equal(now.Add(2*time.Second)) {
		t.Fatalf("caught up: %+v", d.Status[1])
	}
	c.StopReceiver(1)
	stoppedAt := now
	for step := range 12 {
		now = now.Add(250 * time.Millisecond)
		_ = c.Write(100)
		d = decide()
		st := d.Status[1]
		behind := now.Sub(stoppedAt)
		if st.LagTime < behind-250*time.Millisecond || st.LagTime > behind {
			t.Fatalf("step %d: lag time %v, receiver stopped %v ago", step, st.LagTime, behind)
		}
		if st.Readable != (st.LagTime < 2*time.Second) {
			t.Fatalf("step %d: readable %v with lag %v", step, st.Readable, st.LagTime)
		}
		if st.Readable && st.ReadableUntil.After(stoppedAt.Add(2*time.Second)) {
			t.Fatalf("step %d: lease until %v outlives the bound (receiver stopped at %v)", step, st.ReadableUntil, stoppedAt)
		}
	}
	if len(d.Readable) != 0 {
		t.Fatalf("3s after the receiver stopped the standby is readable: %+v", d.Status[1])
	}
	c.StartReceiver(1)
	now = now.Add(250 * time.Millisecond)
	if d = decide(); len(d.Readable) != 1 || d.Status[1].LagTime != 0 {
		t.Fatalf("receiver back: %+v", d.Status[1])
	}
	// A restarted standby reports no receive position (NULL) and no
	// replayed transaction: behind the primary, its lag comes from the
	// history alone, never from "replay >= receive".
	now = now.Add(time.Second)
	_ = c.Write(100)
	probes := c.Probes()
	probes[1].LSN -= 100 // missing only the write made after the last round
	probes[1].ReceiveLSN, probes[1].HasReplay, probes[1].ReplayAge = 0, false, 0
	d = database.Decide(opts, 0, hist, probes, now)
	if len(d.Readable) != 1 || d.Status[1].LagTime != time.Second {
		t.Fatalf("restarted standby one write behind: %+v", d.Status[1])
	}
	probes[1].LSN = 0
	d = database.Decide(opts, 0, nil, probes, now)
	if len(d.Readable) != 0 || d.Status[1].LagTime <= 2*time.Second {
		t.Fatalf("restarted standby with no history to compare with: %+v, want unknown lag and not readable", d.Status[1])
	}
}

// TestDecidePrimaryDown: with no primary answering, a standby that has
// replayed the primary's last known position stays readable round after
// round; one that had not is not.
func TestDecidePrimaryDown(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c := databasefake.NewCluster(2, func() time.Time { return now })
	opts := database.RouterOptions{MaxLagTime: 2 * time.Second}
	var hist []database.WALSample
	decide := func() database.Decision {
		d := database.Decide(opts, 0, hist, c.Probes(), now)
		hist = d.History
		return d
	}
	decide()
	c.PauseReplay(2)
	_ = c.Write(100)
	if d := decide(); len(d.Readable) != 2 {
		t.Fatalf("before: readable %v", d.Readable)
	}
	c.Stop(0)
	for i := range 10 {
		now = now.Add(time.Second)
		d := decide()
		if d.Primary != -1 || !d.Status[1].Readable || !d.Status[1].ReadableUntil.After(now) {
			t.Fatalf("primary down %v: primary %d readable %v status %+v", now, d.Primary, d.Readable, d.Status[1])
		}
		if behind := d.Status[2].Readable; behind != (i == 0) {
			t.Fatalf("primary down %ds: the standby behind it readable=%v", i+1, behind)
		}
	}
}
