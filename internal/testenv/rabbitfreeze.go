package testenv

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Freezer stops and resumes one node's Erlang VM with SIGSTOP and SIGCONT.
// A frozen node keeps its TCP connections open and answers nothing: a hung
// node, as in a long GC pause, a stalled disk or a partition.
type Freezer struct {
	c     RabbitCluster
	t     testing.TB
	node  string
	pid   int
	guard *exec.Cmd
	once  sync.Once
}

// NewFreezer finds node's OS process, so that Freeze itself is instant, and
// registers Thaw with t.Cleanup, so the node is thawed even when the test
// fails. The cluster's net_ticktime (60 s) is longer than any freeze a test
// should use, so no partition is declared.
func (c RabbitCluster) NewFreezer(ctx context.Context, t testing.TB, node string) (*Freezer, error) {
	t.Helper()
	out, err := c.Ctl(ctx, node, "eval", "os:getpid().")
	if err != nil {
		return nil, err
	}
	pid, err := strconv.Atoi(strings.Trim(strings.TrimSpace(out), `"`))
	if err != nil || pid <= 1 {
		return nil, fmt.Errorf("freezer for %s: OS pid %q: %v", node, out, err)
	}
	f := &Freezer{c: c, t: t, node: node, pid: pid}
	t.Cleanup(f.Thaw)
	return f, nil
}

// Freeze stops the node with SIGSTOP for at most maxFor: a guard process of
// its own (in its own process group) sends SIGCONT after maxFor even if the
// test binary is killed first, so a node is never left frozen.
func (f *Freezer) Freeze(maxFor time.Duration) error {
	secs := strconv.Itoa(int(maxFor/time.Second) + 1)
	guard := exec.Command("/bin/sh", "-c", `sleep "$1"; kill -CONT "$2"`, "guard", secs, strconv.Itoa(f.pid))
	guard.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := guard.Start(); err != nil {
		return fmt.Errorf("freeze %s: start the thaw guard: %w", f.node, err)
	}
	f.guard = guard
	go func() { _ = guard.Wait() }()
	if err := syscall.Kill(f.pid, syscall.SIGSTOP); err != nil {
		return fmt.Errorf("freeze %s (pid %d): %w", f.node, f.pid, err)
	}
	return nil
}

// Thaw resumes the node with SIGCONT and waits until it runs its app again
// and the cluster lists every node as running. Only the first call acts.
func (f *Freezer) Thaw() {
	f.once.Do(func() {
		if f.guard != nil {
			_ = f.guard.Process.Kill()
		}
		if err := syscall.Kill(f.pid, syscall.SIGCONT); err != nil {
			f.t.Errorf("thaw %s (pid %d): %v", f.node, f.pid, err)
			return
		}
		f.c.awaitHealthy(f.t, f.node)
	})
}

// awaitHealthy waits until node has started its app and every node of the
// cluster is listed as running.
func (c RabbitCluster) awaitHealthy(t testing.TB, node string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := c.Ctl(ctx, node, "await_startup"); err != nil {
		t.Errorf("after thaw: %v", err)
		return
	}
	for {
		running, err := c.RunningNodes(ctx)
		if err == nil && len(running) == len(c.Nodes) {
			return
		}
		select {
		case <-ctx.Done():
			t.Errorf("after thaw of %s: cluster lists running nodes %v (%v)", node, running, err)
			return
		case <-time.After(250 * time.Millisecond):
		}
	}
}
