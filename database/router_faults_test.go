package database

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// walReceiverPID returns the PID of the standby's WAL receiver, waiting up
// to 15s for one to run (it restarts after a standby restart).
func walReceiverPID(t testing.TB, pg testenv.Postgres) int {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		var pid int
		err := func() error {
			c, err := pgx.Connect(ctx, pg.ReplicaDSN)
			if err != nil {
				return err
			}
			defer c.Close(ctx)
			return c.QueryRow(ctx, "SELECT pid FROM pg_stat_wal_receiver WHERE status = 'streaming'").Scan(&pid)
		}()
		cancel()
		if err == nil && pid > 0 {
			return pid
		}
		if time.Now().After(deadline) {
			t.Fatalf("no streaming WAL receiver on the standby: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// standbyPIDs returns the standby's postmaster and every child of it.
func standbyPIDs(t testing.TB, pg testenv.Postgres) []int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pg.ReplicaDataDir, "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pm, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		t.Fatalf("postmaster.pid: %v", err)
	}
	pids := []int{pm}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		s := string(stat)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:]) // state, ppid, ...
		if len(f) > 1 && f[1] == strconv.Itoa(pm) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// signal sends sig to every pid; a pid that is gone is not an error.
func signal(t testing.TB, pids []int, sig syscall.Signal) {
	t.Helper()
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Errorf("kill -%v %d: %v", sig, pid, err)
		}
	}
}

// freeze stops pids with SIGSTOP and registers a SIGCONT in Cleanup, so
// the standby is thawed however the test ends; the returned function
// thaws them earlier (calling it twice is harmless).
func freeze(t testing.TB, pids []int) (thaw func()) {
	t.Helper()
	thaw = func() { signal(t, pids, syscall.SIGCONT) }
	t.Cleanup(thaw)
	signal(t, pids, syscall.SIGSTOP)
	return thaw
}

// ensureReplicaStreaming waits until the standby streams again, so later
// tests see a healthy replica.
func ensureReplicaStreaming(t testing.TB) {
	t.Helper()
	ensureReplicaUp(t)
	walReceiverPID(t, testenv.PostgresEnv())
}
