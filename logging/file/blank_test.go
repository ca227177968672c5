package file_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// TestBlankLineSkippedAndCounted tails a file with blank lines into a sink
// with CloudWatch's limits: each blank line is skipped and counted under
// logging.ReasonEmpty, every other line is shipped, and the checkpoint
// moves past the blank lines (nothing is retried until Close).
func TestBlankLineSkippedAndCounted(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	if err := os.WriteFile(log, []byte("first\n\nsecond\n\r\nthird\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src, err := file.NewSource(file.Options{Paths: []string{log}, Stream: "app", Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sink := loggingfake.NewSink(loggingfake.Options{})
	p, err := logging.NewPipeline(logging.Options{Linger: 5 * time.Millisecond, Backoff: logging.Backoff{Initial: 10 * time.Millisecond, Max: 10 * time.Millisecond}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, src) }()
	deadline := time.Now().Add(5 * time.Second)
	for p.Metrics().Shipped+p.Metrics().DroppedTotal() < 6 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	closeCtx, stop := context.WithTimeout(context.Background(), 2*time.Second)
	defer stop()
	if err := p.Close(closeCtx); err != nil {
		t.Fatalf("Close = %v; want everything shipped or skipped", err)
	}
	var got []string
	for _, r := range sink.Events("app") {
		got = append(got, r.Message)
	}
	m := p.Metrics()
	if len(got) != 3 || got[0] != "first" || got[1] != "second" || got[2] != "third" {
		t.Fatalf("stored %q; want first, second, third", got)
	}
	if m.Dropped[logging.ReasonEmpty] != 3 || m.Shipped != 3 || m.Failures != 0 {
		t.Fatalf("metrics shipped=%d dropped=%v failures=%d; want 3 shipped, 3 empty, no failure", m.Shipped, m.Dropped, m.Failures)
	}
	if files := src.Files(); len(files) != 1 || files[0].Offset != 23 {
		t.Fatalf("checkpoint %+v; want offset 23, past the last blank line", files)
	}
}
