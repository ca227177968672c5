package file_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/internal/seqrecv"
	"github.com/opskit-dev/opskit/logging/tcp"
)

const crashBatch = 2000 // pipeline batch size in the shipper process

// TestCrashShipper is the shipper process TestCrash starts and kills; it
// does nothing unless OPSKIT_CRASH_SHIPPER is set.
func TestCrashShipper(t *testing.T) {
	if os.Getenv("OPSKIT_CRASH_SHIPPER") == "" {
		t.Skip("helper process for TestCrash")
	}
	src, err := file.NewSource(file.Options{Paths: []string{os.Getenv("OPSKIT_CRASH_GLOB")}, Checkpoint: os.Getenv("OPSKIT_CRASH_CP"),
		Poll: 50 * time.Millisecond, RotateWait: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sink, err := tcp.NewSink(tcp.Options{Addr: os.Getenv("OPSKIT_CRASH_ADDR")})
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

// TestCrash ships a 1,000,000-line file while the shipper process is killed
// with SIGKILL 20 times and the file is rotated by rename and by
// copytruncate; every sequence number must arrive, duplicates at most one
// batch per crash.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("long reliability test")
	}
	const lines, kills = 1_000_000, 20
	began := time.Now()
	dir, cpDir := t.TempDir(), t.TempDir()
	logPath := filepath.Join(dir, "app.log")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	// 2 MB/s: the ~46 MB take ~25 s, so the shipper is busy when killed.
	rec := seqrecv.New(lines, 2<<20)
	go rec.Serve(ln)

	var cmd *exec.Cmd
	startShipper := func() {
		cmd = exec.Command(os.Args[0], "-test.run=^TestCrashShipper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "OPSKIT_CRASH_SHIPPER=1", "OPSKIT_CRASH_GLOB="+filepath.Join(dir, "app.log*"),
			"OPSKIT_CRASH_CP="+filepath.Join(cpDir, "checkpoint.json"), "OPSKIT_CRASH_ADDR="+ln.Addr().String())
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	startShipper()
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

	// Writer: 1M lines in 200 chunks, rotating every 20 chunks, alternating
	// rename and copytruncate.
	writerDone := make(chan struct{})
	var renames, copytruncs int
	go func() {
		defer close(writerDone)
		f, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Error(err)
			return
		}
		w := bufio.NewWriterSize(f, 1<<20)
		pad := "payload-abcdefghijklmnopqrstuvwxyz"
		for chunk := 0; chunk < 200; chunk++ {
			for i := chunk * 5000; i < (chunk+1)*5000; i++ {
				fmt.Fprintf(w, "seq=%07d %s\n", i, pad)
			}
			w.Flush()
			if chunk%20 == 19 && chunk < 199 {
				k := chunk/20 + 1
				rotated := fmt.Sprintf("%s.%d", logPath, k)
				if k%2 == 1 {
					f.Close()
					_ = os.Rename(logPath, rotated)
					f, _ = os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
					w.Reset(f)
					renames++
				} else {
					data, _ := os.ReadFile(logPath)
					_ = os.WriteFile(rotated, data, 0o644)
					_ = f.Truncate(0)
					copytruncs++
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
		f.Close()
	}()

	// Killer: 20 SIGKILLs at random moments while the writer runs.
	for i := 0; i < kills; i++ {
		time.Sleep(time.Duration(500+rand.IntN(3000)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		startShipper()
	}
	<-writerDone
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		if d, _ := rec.Counts(); d == lines {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	distinct, total := rec.Counts()
	lost, dups := lines-distinct, total-distinct
	t.Logf("TestCrash: %d lines, %d SIGKILLs, %d rename + %d copytruncate rotations, receiver at 2 MB/s: lost %d, duplicated %d (%.1f per crash; bound %d per crash), %v",
		lines, kills, renames, copytruncs, lost, dups, float64(dups)/kills, crashBatch, time.Since(began).Round(time.Second))
	if lost != 0 {
		var missing []string
		for _, i := range rec.Missing(10) {
			// 5,000 lines per chunk, a rotation after every 20 chunks.
			missing = append(missing, fmt.Sprintf("%d (rotation segment %d)", i, i/100000))
		}
		resets, errs := rec.Resets()
		cp, _ := os.ReadFile(filepath.Join(cpDir, "checkpoint.json"))
		t.Fatalf("lost %d lines: %v; receiver connections reset: %d %v\ncheckpoint: %s", lost, missing, resets, errs, cp)
	}
	if dups > kills*crashBatch {
		t.Fatalf("duplicated %d lines; want ≤ %d (one batch per crash)", dups, kills*crashBatch)
	}
}
