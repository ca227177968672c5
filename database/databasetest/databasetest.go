// Package databasetest is the conformance suite for the backends of
// package database: the Nodes a Router routes over and the StatsSource
// the vacuum advisor reads. The same cases run against the in-memory
// databasefake and a real PostgreSQL primary with a streaming standby,
// which is what proves the fake faithful. Run it from a test with your
// own Harness:
//
//	func TestConformance(t *testing.T) {
//		databasetest.Run(t, func(t *testing.T) databasetest.Harness { return myHarness{} })
//	}
//
// Every case goes through the public database API (NewRouter, Advise) or
// the Node and StatsSource methods, and bounds its waits.
package databasetest

import (
	"testing"
	"time"

	"github.com/opskit-dev/opskit/database"
)

// Harness gives the suite the backend under test.
type Harness interface {
	// Nodes returns fresh nodes of one cluster: the primary first, then
	// at least one streaming standby, all running and caught up. The
	// suite closes them (through the Router, or itself).
	Nodes(t *testing.T) []database.Node
}

// Stopper is an optional Harness upgrade: harnesses that can stop and
// start a server (the standby behind Nodes()[1]) run the node-failure
// cases.
type Stopper interface {
	// Stop stops server i; Start starts it again.
	Stop(t *testing.T, i int)
	Start(t *testing.T, i int)
}

// StatsHarness is an optional Harness upgrade: harnesses with a
// statistics source run the vacuum statistics cases.
type StatsHarness interface {
	// Stats returns a fresh source with no user tables, and the means to
	// change the tables it reports on.
	Stats(t *testing.T) (database.StatsSource, Tables)
}

// Tables changes tables in the database a StatsSource reports on, all in
// schema public. Errors fail the case.
type Tables interface {
	// Create creates an empty table with reloptions (may be nil) and
	// autovacuum off, so that only the case changes its counters.
	Create(name string, reloptions map[string]string) error
	// Insert, Update and Delete change n rows, each in one transaction.
	Insert(name string, n int64) error
	Update(name string, n int64) error
	Delete(name string, n int64) error
	// VacuumAnalyze runs VACUUM (ANALYZE) until no dead tuple is left (a
	// standby's feedback can hold some back for a moment).
	VacuumAnalyze(name string) error
}

// HarnessMaker returns a harness for one test case.
type HarnessMaker func(t *testing.T) Harness

type testCase struct {
	name string
	fn   func(t *testing.T, h Harness)
}

// Run runs every case as a subtest of t; cases that need an optional
// upgrade the harness lacks are skipped with a message.
func Run(t *testing.T, newHarness HarnessMaker) {
	for _, tc := range append(nodeCases(), statsCases()...) {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newHarness(t)) })
	}
}

// eventually polls cond until it holds or d passes, then fails with the
// last state cond described.
func eventually(t *testing.T, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v: %s", what, d, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
