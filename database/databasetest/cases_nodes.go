package databasetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/opskit-dev/opskit/database"
)

func nodeCases() []testCase {
	return []testCase{
		{"NodeNames", testNodeNames},
		{"ProbeRoles", testProbeRoles},
		{"ProbeHonoursContext", testProbeContext},
		{"ResetKeepsNodeUsable", testReset},
		{"StandbyRefusesWrites", testStandbyRefusesWrites},
		{"WALPositions", testWALPositions},
		{"RouterReadsFromStandby", testRouterReads},
		{"SessionReadsItsWrites", testSessionReads},
		{"CloseReleasesNodes", testClose},
		{"StoppedStandbyLeavesRotation", testStoppedStandby},
	}
}

// The statements every case writes with; on a real server they need the
// database the harness gives to themselves.
const (
	createSQL = "CREATE TABLE IF NOT EXISTS databasetest_writes (i int)"
	insertSQL = "INSERT INTO databasetest_writes VALUES (1)"
)

func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// nodes returns the harness's nodes, closed when the case ends.
func nodes(t *testing.T, h Harness) []database.Node {
	t.Helper()
	ns := h.Nodes(t)
	if len(ns) < 2 {
		t.Fatalf("harness gave %d nodes, want a primary and at least one standby", len(ns))
	}
	t.Cleanup(func() {
		for _, n := range ns {
			_ = n.Close()
		}
	})
	return ns
}

// router returns a router over the harness's nodes with fast probes.
func router(t *testing.T, ns []database.Node) *database.Router {
	t.Helper()
	r, err := database.NewRouter(timeout(t), ns, database.RouterOptions{CheckInterval: 50 * time.Millisecond, CheckTimeout: 2 * time.Second})
	if err != nil {
		t.Fatalf("NewRouter: %v", err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func write(t *testing.T, q database.Querier) {
	t.Helper()
	ctx := timeout(t)
	for _, sql := range []string{createSQL, insertSQL} {
		if _, err := q.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
}

// Rule: Name is stable, distinct and never a DSN.
func testNodeNames(t *testing.T, h Harness) {
	ns := nodes(t, h)
	seen := map[string]bool{}
	for i, n := range ns {
		name := n.Name()
		switch {
		case name == "":
			t.Errorf("node %d has no name", i)
		case strings.Contains(name, "://") || strings.Contains(name, "@") || strings.Contains(name, "="):
			t.Errorf("node %d is named %q, which looks like a DSN", i, name)
		case seen[name]:
			t.Errorf("node %d: name %q is used twice", i, name)
		case name != n.Name():
			t.Errorf("node %d: name changed from %q", i, name)
		}
		seen[name] = true
	}
}

// Rule: a primary probes out of recovery with its WAL position; a standby
// in recovery with its replay and receive positions.
func testProbeRoles(t *testing.T, h Harness) {
	ns := nodes(t, h)
	ctx := timeout(t)
	p := ns[0].Probe(ctx)
	if !p.Reachable || p.InRecovery || p.LSN == 0 || p.Err != nil {
		t.Errorf("primary probe %+v, want reachable, not in recovery, LSN > 0", p)
	}
	for i, n := range ns[1:] {
		s := n.Probe(ctx)
		if !s.Reachable || !s.InRecovery || s.LSN == 0 || s.Err != nil {
			t.Errorf("standby %d probe %+v, want reachable, in recovery, LSN > 0", i+1, s)
		}
	}
	write(t, ns[0].Querier())
	if q := ns[0].Probe(ctx); q.LSN <= p.LSN {
		t.Errorf("primary LSN %d after a write, was %d: want it to grow", q.LSN, p.LSN)
	}
}

// Rule: a write on a standby fails with SQLSTATE 25006.
func testStandbyRefusesWrites(t *testing.T, h Harness) {
	ns := nodes(t, h)
	_, err := ns[1].Querier().Exec(timeout(t), createSQL)
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "25006" {
		t.Fatalf("write on a standby: %v, want SQLSTATE 25006 (read_only_sql_transaction)", err)
	}
}

// Rule: InsertLSN on a primary covers its acknowledged writes, and a
// standby's ReplayLSN reaches it; ReplayLSN on a primary is 0 and
// InsertLSN on a standby fails.
func testWALPositions(t *testing.T, h Harness) {
	ns := nodes(t, h)
	ctx := timeout(t)
	before := ns[0].Probe(ctx).LSN
	write(t, ns[0].Querier())
	ins, err := ns[0].InsertLSN(ctx)
	if err != nil || ins <= before {
		t.Fatalf("InsertLSN after a write = %d, %v; want > %d (the LSN before)", ins, err, before)
	}
	if lsn, err := ns[0].ReplayLSN(ctx); err != nil || lsn != 0 {
		t.Errorf("ReplayLSN on the primary = %d, %v; want 0", lsn, err)
	}
	if _, err := ns[1].InsertLSN(ctx); err == nil {
		t.Errorf("InsertLSN on a standby succeeded; want an error (recovery is in progress)")
	}
	eventually(t, 10*time.Second, "standby replays the write", func() (bool, string) {
		lsn, err := ns[1].ReplayLSN(ctx)
		return err == nil && lsn >= ins, fmt.Sprintf("ReplayLSN %d, %v; want >= %d", lsn, err, ins)
	})
}

// The Router over the nodes: reads on a readable standby, writes on the
// primary, Status in node order.
func testRouterReads(t *testing.T, h Harness) {
	ns := nodes(t, h)
	r := router(t, ns)
	ctx := timeout(t)
	if _, err := r.Exec(ctx, createSQL); err != nil {
		t.Fatalf("Exec through the router: %v", err)
	}
	eventually(t, 10*time.Second, "a standby is readable", func() (bool, string) {
		st, _ := r.StatusOf(ns[1].Name())
		return st.Readable, fmt.Sprintf("%+v", st)
	})
	st := r.Status()
	if len(st) != len(ns) || !st[0].Primary {
		t.Fatalf("Status %+v: want %d nodes, the first the primary", st, len(ns))
	}
	for i, s := range st {
		if s.Node != ns[i].Name() {
			t.Errorf("Status[%d].Node = %q, want %q", i, s.Node, ns[i].Name())
		}
	}
	var standby bool
	served, err := r.ReadServed(ctx, func(ctx context.Context, q database.Querier) error {
		return q.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&standby)
	})
	if err != nil || !standby || served.Primary || served.Node == ns[0].Name() || served.Attempts != 1 {
		t.Fatalf("read: %+v standby=%v err=%v; want it served by a standby in one attempt", served, standby, err)
	}
}

// Session: a read after the session's write is served where the write is
// visible.
func testSessionReads(t *testing.T, h Harness) {
	ns := nodes(t, h)
	r := router(t, ns)
	ctx := timeout(t)
	s := r.Session()
	if err := s.Write(ctx, func(ctx context.Context, q database.Querier) error {
		_, err := q.Exec(ctx, createSQL)
		return err
	}); err != nil {
		t.Fatalf("session write: %v", err)
	}
	if s.LSN() == 0 {
		t.Fatal("session LSN is 0 after a write")
	}
	served, err := s.ReadServed(ctx, func(ctx context.Context, q database.Querier) error {
		var b bool
		return q.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&b)
	})
	if err != nil {
		t.Fatalf("session read: %v", err)
	}
	if served.Primary {
		return
	}
	for _, n := range ns {
		if n.Name() == served.Node {
			if lsn, err := n.ReplayLSN(ctx); err != nil || lsn < s.LSN() {
				t.Fatalf("session read served by %s at replay LSN %d (%v), before the session's write at %d", served.Node, lsn, err, s.LSN())
			}
		}
	}
}

// Rule: Close releases everything and calls after it fail; the Router
// returns ErrClosed.
func testClose(t *testing.T, h Harness) {
	ns := nodes(t, h)
	r := router(t, ns)
	ctx := timeout(t)
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if err := r.Read(ctx, func(context.Context, database.Querier) error { return nil }); !errors.Is(err, database.ErrClosed) {
		t.Errorf("Read after Close: %v, want ErrClosed", err)
	}
	if err := r.Write(ctx, func(context.Context, database.Querier) error { return nil }); !errors.Is(err, database.ErrClosed) {
		t.Errorf("Write after Close: %v, want ErrClosed", err)
	}
	if _, err := ns[0].Querier().Exec(ctx, createSQL); err == nil {
		t.Errorf("Exec on a closed node succeeded")
	}
	if p := ns[1].Probe(ctx); p.Reachable || p.Err == nil {
		t.Errorf("probe of a closed node: %+v, want unreachable with an error", p)
	}
}

// Rule: a node that is down fails with a connection error; the router
// takes it out of rotation and back once it answers.
func testStoppedStandby(t *testing.T, h Harness) {
	st, ok := h.(Stopper)
	if !ok {
		t.Skip("harness cannot stop a server (no Stopper)")
	}
	ns := nodes(t, h)
	r := router(t, ns)
	ctx := timeout(t)
	name := ns[1].Name()
	eventually(t, 10*time.Second, "the standby is readable", func() (bool, string) {
		s, _ := r.StatusOf(name)
		return s.Readable, fmt.Sprintf("%+v", s)
	})
	st.Stop(t, 1)
	if p := ns[1].Probe(ctx); p.Reachable || p.Err == nil {
		t.Fatalf("probe of a stopped standby: %+v, want unreachable with an error", p)
	}
	var b bool
	if err := ns[1].Querier().QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&b); !connectionError(err) {
		t.Fatalf("read on a stopped standby: %v, want a connection error (net.Error, io.EOF, *pgconn.ConnectError or SQLSTATE class 08)", err)
	}
	eventually(t, 10*time.Second, "the stopped standby leaves rotation", func() (bool, string) {
		s, _ := r.StatusOf(name)
		return !s.Reachable && !s.Readable, fmt.Sprintf("%+v", s)
	})
	served, err := r.ReadServed(ctx, func(ctx context.Context, q database.Querier) error {
		var b bool
		return q.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&b)
	})
	if len(ns) == 2 && (err != nil || !served.Primary) {
		t.Fatalf("read with the only standby down: %+v, %v; want it served by the primary", served, err)
	}
	st.Start(t, 1)
	eventually(t, 10*time.Second, "the restarted standby is readable again", func() (bool, string) {
		s, _ := r.StatusOf(name)
		return s.Readable, fmt.Sprintf("%+v", s)
	})
}

// connectionError reports the errors the Node rules call connection
// errors.
func connectionError(err error) bool {
	var ne net.Error
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ce) ||
		errors.As(err, &pe) && strings.HasPrefix(pe.Code, "08")
}

// Rule: Probe answers within ctx: with ctx done it reports the node
// unreachable at once.
func testProbeContext(t *testing.T, h Harness) {
	ns := nodes(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	p := ns[0].Probe(ctx)
	if p.Reachable || p.Err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("probe with a cancelled context: %+v after %v, want unreachable with an error at once", p, time.Since(start))
	}
}

// Rule: Reset drops idle connections; the node keeps working after it.
func testReset(t *testing.T, h Harness) {
	ns := nodes(t, h)
	ctx := timeout(t)
	write(t, ns[0].Querier())
	for _, n := range ns {
		n.Reset()
		if p := n.Probe(ctx); !p.Reachable {
			t.Fatalf("%s after Reset: %+v, want reachable", n.Name(), p)
		}
	}
	write(t, ns[0].Querier())
}
