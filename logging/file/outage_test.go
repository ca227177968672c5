package file_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/internal/seqrecv"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// TestOutage ships a 1,000,000-line file to a TCP receiver that refuses
// connections for 30 seconds: nothing may be lost, reading must pause,
// and memory must stay bounded.
func TestOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("30-second outage test")
	}
	const lines = 1_000_000
	outage := 30 * time.Second
	dir := t.TempDir()
	logPath := filepath.Join(dir, "app.log")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for i := 0; i < lines; i++ {
		fmt.Fprintf(w, "seq=%07d %s\n", i, "payload-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnopqrstuvwxyz")
	}
	w.Flush()
	f.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	rec := seqrecv.New(lines, 0)
	var conns sync.WaitGroup
	serve := func(ln net.Listener) { conns.Add(1); defer conns.Done(); rec.Serve(ln) }
	go serve(ln)

	src, err := file.NewSource(file.Options{Paths: []string{logPath}, Checkpoint: filepath.Join(t.TempDir(), "cp.json")})
	if err != nil {
		t.Fatal(err)
	}
	sink, _ := tcp.NewSink(tcp.Options{Addr: addr})
	p, err := logging.NewPipeline(logging.Options{BufferBytes: 8 << 20, BatchBytes: 1 << 20, Linger: 10 * time.Millisecond,
		Backoff: logging.Backoff{Initial: 200 * time.Millisecond, Max: 200 * time.Millisecond}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	var peak atomic.Uint64
	stopSampling := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stopSampling:
				return
			case <-time.After(50 * time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	}()
	defer close(stopSampling)

	// Refuse from the start: the listener is closed, so connections fail.
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = p.Run(ctx, src) }()
	time.Sleep(5 * time.Second)
	readAt5 := src.Stats().Bytes
	time.Sleep(outage - 5*time.Second)
	readAtEnd := src.Stats().Bytes
	m := p.Metrics()
	t.Logf("outage: read %d bytes by 5 s, %d by 30 s (file %d bytes); buffered %d events / %d bytes; failures %d; lag %v",
		readAt5, readAtEnd, int64(lines)*101, m.Buffered, m.BufferedBytes, m.Failures, m.Lag.Round(time.Second))
	if readAtEnd != readAt5 {
		t.Errorf("reading did not pause: %d bytes read at 5 s, %d at 30 s", readAt5, readAtEnd)
	}
	if m.Shipped != 0 || m.Failures == 0 {
		t.Errorf("shipped %d, failures %d during the outage", m.Shipped, m.Failures)
	}
	recovered := time.Now()
	ln2, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer ln2.Close()
	go serve(ln2)
	for time.Since(recovered) < 60*time.Second {
		if d, _ := rec.Counts(); d == lines {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	drained := time.Since(recovered)
	distinct, total := rec.Counts()
	t.Logf("TestOutage: 30 s refusal: lost %d of %d, duplicated %d, drained %v after recovery, peak HeapInuse %.1f MiB (buffer bound 8 MiB, file %.0f MiB)",
		lines-distinct, lines, total-distinct, drained.Round(time.Millisecond), float64(peak.Load())/(1<<20), float64(lines*101)/(1<<20))
	if distinct != lines {
		t.Fatalf("lost %d lines", lines-distinct)
	}
	if peak.Load() > 64<<20 {
		t.Fatalf("peak heap %d MiB; want bounded (< 64 MiB for an 8 MiB buffer)", peak.Load()>>20)
	}
}
