package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// Interrupted is the cause of a context cancelled by a signal.
type Interrupted struct {
	// Signal is the signal received.
	Signal os.Signal
}

// Error implements error.
func (e *Interrupted) Error() string { return "interrupted by " + e.Signal.String() }

// SignalContext returns a context cancelled, with an *Interrupted cause,
// on the first SIGINT or SIGTERM, so the program stops cleanly (logship
// drains what it read); a second signal exits at once with ExitPartial.
// stop releases the signal handler.
func SignalContext(parent context.Context, env *Env) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			env.Log.Warn("signal received: stopping cleanly (send it again to exit at once)", "signal", s.String())
			cancel(&Interrupted{Signal: s})
		case <-done:
			return
		}
		select {
		case s := <-ch:
			fmt.Fprintf(env.Stderr, "%s: second %s: exiting now\n", env.Name, s)
			os.Exit(ExitPartial)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// Signal returns the signal that cancelled ctx, or nil.
func Signal(ctx context.Context) os.Signal {
	if in, ok := context.Cause(ctx).(*Interrupted); ok {
		return in.Signal
	}
	return nil
}
