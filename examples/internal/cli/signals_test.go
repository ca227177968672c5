package cli

import (
	"bytes"
	"context"
	"syscall"
	"testing"
	"time"
)

// TestSignalContext checks that SIGTERM cancels the context with the
// signal as its cause and says so on stderr.
func TestSignalContext(t *testing.T) {
	var out bytes.Buffer
	env := NewEnv("test", &out, &out)
	ctx, stop := SignalContext(context.Background(), env)
	defer stop()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGTERM did not cancel the context")
	}
	if s := Signal(ctx); s != syscall.SIGTERM {
		t.Errorf("Signal = %v; want SIGTERM", s)
	}
	if !bytes.Contains(out.Bytes(), []byte("signal received")) {
		t.Errorf("nothing said on stderr: %q", out.String())
	}
}
