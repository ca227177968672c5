package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// fakeStep makes one change, or blocks until its context ends (then
// reports the change it made before).
type fakeStep struct {
	name  string
	block chan struct{} // closed when the step is under way; nil: no block
	ran   bool
}

func (s *fakeStep) Name() string                           { return s.name }
func (s *fakeStep) Plan(context.Context) ([]string, error) { return []string{"create " + s.name}, nil }
func (s *fakeStep) Destroy(context.Context) ([]string, error) {
	return []string{"delete " + s.name}, nil
}
func (s *fakeStep) Apply(ctx context.Context) ([]string, error) {
	s.ran = true
	if s.block == nil {
		return []string{"create " + s.name}, nil
	}
	close(s.block)
	<-ctx.Done()
	return []string{"create " + s.name + " part 1"}, ctx.Err()
}

// TestInterrupted: a signal during apply stops after the step under way,
// which reports what it made; the later steps are reported as not started,
// and the run ends with a partial failure (exit 3) naming them.
func TestInterrupted(t *testing.T) {
	var out bytes.Buffer
	env := cli.NewEnv("provision", &out, &out)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	a, b, c := &fakeStep{name: "a"}, &fakeStep{name: "b", block: make(chan struct{})}, &fakeStep{name: "c"}
	go func() {
		<-b.block
		cancel(&cli.Interrupted{Signal: syscall.SIGTERM})
	}()
	done := make(chan struct{})
	var o outcome
	var err error
	go func() {
		o, err = runSteps(ctx, env, verbApply, []step{a, b, c})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("runSteps did not stop after the signal")
	}
	if c.ran {
		t.Error("a step after the signal ran")
	}
	var pe *cli.PartialError
	if !errors.As(err, &pe) || cli.ExitCode(err) != cli.ExitPartial || !strings.Contains(err.Error(), "stopped by terminated") {
		t.Fatalf("err %v (exit %d), want a PartialError stopped by the signal", err, cli.ExitCode(err))
	}
	if o.Changes != 2 || len(o.Failed) != 1 || len(o.Skipped) != 1 || o.Skipped[0] != "c" {
		t.Errorf("outcome %+v, want 2 changes, b failed, c not started", o)
	}
	for _, want := range []string{"create a", "create b part 1", "b                      INTERRUPTED", "plan shows what remains"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
