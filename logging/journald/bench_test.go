package journald_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/journald"
	"github.com/opskit-dev/opskit/logging/tcp"
)

const benchLines = 200_000

var (
	benchOnce sync.Once
	benchID   string
)

// benchJournal writes benchLines numbered lines under one identifier,
// once for every benchmark of the run.
func benchJournal(b *testing.B) string {
	testenv.Journald(b)
	benchOnce.Do(func() {
		benchID = fmt.Sprintf("opskit-jbench-%d", time.Now().UnixNano())
		for i := 0; i < benchLines; i += 50_000 {
			writeLines(b, benchID, i, 50_000)
		}
		// journald reads the stream asynchronously: wait until all is in.
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			out, _ := exec.Command("journalctl", "-t", benchID, "-n", "1", "-o", "cat", "--no-pager").Output()
			if string(out) == fmt.Sprintf("seq=%07d journald test line\n", benchLines-1) {
				break
			}
		}
	})
	return benchID
}

// lineCounter is a TCP server that counts lines and says when it has n.
type lineCounter struct {
	ln    net.Listener
	lines atomic.Int64
	want  int64
	done  chan struct{}
	once  sync.Once
}

func newLineCounter(b *testing.B, want int64) *lineCounter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	c := &lineCounter{ln: ln, want: want, done: make(chan struct{})}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				sc := bufio.NewScanner(conn)
				sc.Buffer(make([]byte, 1<<20), 1<<20)
				for sc.Scan() {
					if c.lines.Add(1) >= c.want {
						c.once.Do(func() { close(c.done) })
					}
				}
			}()
		}
	}()
	return c
}

func (c *lineCounter) wait(b *testing.B) {
	select {
	case <-c.done:
	case <-time.After(5 * time.Minute):
		b.Fatalf("only %d of %d lines arrived", c.lines.Load(), c.want)
	}
}

// BenchmarkJournald reads 200,000 journal entries and ships them to a
// TCP socket: /opskit through the journald source (checkpoint on, JSON
// framing, a pipeline), /journalctl with `journalctl -o json -f | cat`
// into the same kind of socket, the ceiling.
func BenchmarkJournald(b *testing.B) {
	id := benchJournal(b)
	b.Run("opskit", func(b *testing.B) {
		for b.Loop() {
			c := newLineCounter(b, benchLines)
			src, err := journald.NewSource(journald.Options{Start: journald.Head, Identifiers: []string{id},
				Checkpoint: filepath.Join(b.TempDir(), "journal.cp")})
			if err != nil {
				b.Fatal(err)
			}
			sink, err := tcp.NewSink(tcp.Options{Addr: c.ln.Addr().String(), Framing: tcp.JSON})
			if err != nil {
				b.Fatal(err)
			}
			p, err := logging.NewPipeline(logging.Options{}, sink)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			ctx, cancel := context.WithCancel(context.Background())
			go func() { _ = p.Run(ctx, src) }()
			c.wait(b)
			b.ReportMetric(float64(benchLines)/time.Since(start).Seconds(), "lines/s")
			cancel()
			_ = p.Close(context.Background())
			c.ln.Close()
		}
	})
	b.Run("journalctl", func(b *testing.B) {
		for b.Loop() {
			c := newLineCounter(b, benchLines)
			cmd := exec.Command("bash", "-c", fmt.Sprintf("journalctl -o json -f --lines=all --no-pager -t %s | cat >/dev/tcp/127.0.0.1/%d",
				id, c.ln.Addr().(*net.TCPAddr).Port))
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			start := time.Now()
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			c.wait(b)
			b.ReportMetric(float64(benchLines)/time.Since(start).Seconds(), "lines/s")
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			_ = cmd.Wait()
			c.ln.Close()
		}
	})
}
