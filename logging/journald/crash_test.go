package journald_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/internal/seqrecv"
	"github.com/opskit-dev/opskit/logging/journald"
	"github.com/opskit-dev/opskit/logging/tcp"
)

const crashBatch = 1000 // pipeline batch size in the shipper process

// TestJournalCrashShipper is the shipper process TestJournalCrash starts
// and kills; it does nothing unless OPSKIT_JOURNAL_SHIPPER is set.
func TestJournalCrashShipper(t *testing.T) {
	if os.Getenv("OPSKIT_JOURNAL_SHIPPER") == "" {
		t.Skip("helper process for TestJournalCrash")
	}
	src, err := journald.NewSource(journald.Options{Start: journald.Head, Identifiers: []string{os.Getenv("OPSKIT_JOURNAL_ID")},
		Checkpoint: os.Getenv("OPSKIT_JOURNAL_CP"), Fields: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	sink, err := tcp.NewSink(tcp.Options{Addr: os.Getenv("OPSKIT_JOURNAL_ADDR")})
	if err != nil {
		t.Fatal(err)
	}
	p, err := logging.NewPipeline(logging.Options{BatchEvents: crashBatch, Linger: 20 * time.Millisecond,
		Backoff: logging.Backoff{Initial: 50 * time.Millisecond, Max: 50 * time.Millisecond}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Run(context.Background(), src)
}

// TestJournalCrash writes 100,000 numbered lines into the real journal
// while the shipper process (journal source, checkpoint, TCP sink) is
// killed with SIGKILL 8 times; every line must arrive, duplicates at most
// one batch per kill.
func TestJournalCrash(t *testing.T) {
	testenv.Journald(t)
	if testing.Short() {
		t.Skip("reliability test")
	}
	const lines, kills, chunks = 100_000, 8, 50
	began := time.Now()
	id := "opskit-jcrash-" + strconv.FormatInt(time.Now().UnixNano(), 10)
	cp := filepath.Join(t.TempDir(), "journal.cp")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// ~3.1 MB at 600 KB/s: the shipper is still busy at every kill.
	rec := seqrecv.New(lines, 600<<10)
	go rec.Serve(ln)

	var cmd *exec.Cmd
	start := func() {
		cmd = exec.Command(os.Args[0], "-test.run=^TestJournalCrashShipper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "OPSKIT_JOURNAL_SHIPPER=1", "OPSKIT_JOURNAL_ID="+id, "OPSKIT_JOURNAL_CP="+cp,
			"OPSKIT_JOURNAL_ADDR="+ln.Addr().String())
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	kill := func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
	}
	start()
	defer kill()

	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		per := lines / chunks
		for c := 0; c < chunks; c++ {
			writeLines(t, id, c*per, per)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	for i := 0; i < kills; i++ {
		time.Sleep(time.Duration(300+rand.IntN(700)) * time.Millisecond)
		kill()
		start()
	}
	<-writerDone
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if d, _ := rec.Counts(); d == lines {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	distinct, total := rec.Counts()
	lost, dups := lines-distinct, total-distinct
	t.Logf("TestJournalCrash: %d lines, %d SIGKILLs, receiver at 600 KB/s: lost %d, duplicated %d (%.1f per kill; bound %d), %v",
		lines, kills, lost, dups, float64(dups)/kills, crashBatch, time.Since(began).Round(time.Second))
	if lost != 0 {
		t.Fatalf("lost %d lines, first %v", lost, rec.Missing(10))
	}
	if dups > kills*crashBatch {
		t.Fatalf("duplicated %d lines; want ≤ %d (one batch per kill)", dups, kills*crashBatch)
	}
}
