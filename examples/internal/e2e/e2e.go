// Package e2e builds an example program and runs it as a process, with a
// time bound, for the programs' end-to-end tests.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Build compiles the main package in the test's directory into a temporary
// directory (with -race when the test runs with it) and returns the
// binary's path.
func Build(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), filepath.Base(dir))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := []string{"build", "-o", bin}
	if race {
		args = append(args, "-race")
	}
	out, err := exec.CommandContext(ctx, "go", append(args, ".")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// Result is a finished run.
type Result struct {
	Stdout, Stderr string
	// Code is the exit code.
	Code int
	// Took is the run's wall time.
	Took time.Duration
}

// Proc is a running program.
type Proc struct {
	t      testing.TB
	cmd    *exec.Cmd
	start  time.Time
	stdout syncBuffer
	stderr syncBuffer
	done   chan struct{}
	err    error
}

// Start starts bin with args and extra environment variables (KEY=VALUE,
// added to the test's environment). The process is killed when t ends.
func Start(t testing.TB, bin string, env []string, args ...string) *Proc {
	t.Helper()
	p := &Proc{t: t, cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// Signal sends sig to the process.
func (p *Proc) Signal(sig syscall.Signal) {
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
}

// WaitOutput waits at most timeout until the process printed want on
// standard output (then its signal handler is installed too), failing the
// test otherwise.
func (p *Proc) WaitOutput(want string, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.stdout.String(), want) {
		select {
		case <-p.done:
			p.t.Fatalf("%s exited before printing %q\nstdout:\n%s\nstderr:\n%s", p.cmd.Path, want, p.stdout.String(), p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s did not print %q within %s\nstdout:\n%s", p.cmd.Path, want, timeout, p.stdout.String())
		}
	}
}

// Stdout returns what the process printed so far.
func (p *Proc) Stdout() string { return p.stdout.String() }

// Wait waits at most timeout for the process to exit; after that it is
// killed and the test fails.
func (p *Proc) Wait(timeout time.Duration) Result {
	p.t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		_ = p.cmd.Process.Kill()
		<-p.done
		p.t.Fatalf("%s did not exit within %s\nstdout:\n%s\nstderr:\n%s", p.cmd.Path, timeout, p.stdout.String(), p.stderr.String())
	}
	r := Result{Stdout: p.stdout.String(), Stderr: p.stderr.String(), Took: time.Since(p.start)}
	var ee *exec.ExitError
	switch {
	case p.err == nil:
	case errors.As(p.err, &ee):
		r.Code = ee.ExitCode()
	default:
		p.t.Fatalf("%s: %v", p.cmd.Path, p.err)
	}
	return r
}

// Run runs bin to completion within timeout.
func Run(t testing.TB, timeout time.Duration, bin string, env []string, args ...string) Result {
	t.Helper()
	return Start(t, bin, env, args...).Wait(timeout)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
