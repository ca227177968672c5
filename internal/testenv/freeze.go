package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/moby/moby/client"
)

// Pause freezes every process of the host, so it stops answering without
// closing connections: a host that hangs mid-operation.
//
// It asks the engine's cgroup freezer first. The freezer gives up ("unable
// to freeze") when a process sits in an uninterruptible sleep, such as a
// useradd waiting on fsync, and some kernels have no freezer at all; then
// Pause stops every process of the container with SIGSTOP instead, which
// has the same effect on the network (the kernel still accepts TCP, nothing
// answers).
func (h SSHHost) Pause(ctx context.Context) error {
	var freezeErr error
	for range 3 {
		if _, freezeErr = h.docker.ContainerPause(ctx, h.ContainerID, client.ContainerPauseOptions{}); freezeErr == nil {
			return nil
		}
		if ctx.Err() != nil {
			return freezeErr
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := h.signalAll(ctx, syscall.SIGSTOP); err != nil {
		return fmt.Errorf("pause %s: freezer: %v; SIGSTOP: %w", h.Addr, freezeErr, err)
	}
	return nil
}

// Unpause resumes a host stopped by Pause, whichever way it was stopped.
func (h SSHHost) Unpause(ctx context.Context) error {
	insp, err := h.docker.ContainerInspect(ctx, h.ContainerID, client.ContainerInspectOptions{})
	if err != nil {
		return err
	}
	if insp.Container.State != nil && insp.Container.State.Paused {
		_, err := h.docker.ContainerUnpause(ctx, h.ContainerID, client.ContainerUnpauseOptions{})
		return err
	}
	return h.signalAll(ctx, syscall.SIGCONT)
}

// signalAll sends sig to every process of the container, listing them again
// until a listing shows no process that has not had the signal, so a child
// forked while the signals went out is caught too.
func (h SSHHost) signalAll(ctx context.Context, sig syscall.Signal) error {
	sent := map[int]bool{}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		pids, err := h.pids(ctx)
		if err != nil {
			return err
		}
		fresh := 0
		for _, pid := range pids {
			if sent[pid] {
				continue
			}
			fresh++
			sent[pid] = true
			if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
				return fmt.Errorf("signal %d: %w", pid, err)
			}
		}
		if fresh == 0 && (sig != syscall.SIGSTOP || allStopped(pids)) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("processes of %s kept changing while signalling %v", h.Addr, sig)
}

// pids lists the host PIDs of the container's processes.
func (h SSHHost) pids(ctx context.Context) ([]int, error) {
	top, err := h.docker.ContainerTop(ctx, h.ContainerID, client.ContainerTopOptions{})
	if err != nil {
		return nil, err
	}
	col := -1
	for i, t := range top.Titles {
		if t == "PID" {
			col = i
		}
	}
	if col < 0 {
		return nil, fmt.Errorf("docker top for %s has no PID column: %v", h.Addr, top.Titles)
	}
	pids := make([]int, 0, len(top.Processes))
	for _, p := range top.Processes {
		pid, err := strconv.Atoi(p[col])
		if err != nil {
			return nil, fmt.Errorf("docker top for %s: PID %q: %w", h.Addr, p[col], err)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// allStopped reports whether every listed process is stopped (state T) or
// gone, from /proc/PID/stat.
func allStopped(pids []int) bool {
	for _, pid := range pids {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue // gone
		}
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 || i+2 >= len(s) {
			return false
		}
		if st := s[i+2]; st != 'T' && st != 't' && st != 'Z' && st != 'X' {
			return false
		}
	}
	return true
}
