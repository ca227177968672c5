package file_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// benchFile generates the shared ~1 GiB file of ~200-byte lines.
func benchFile(b *testing.B, dir string) (path string, size int64, lines int64) {
	b.Helper()
	if p := os.Getenv("OPSKIT_BENCH_FILE"); p != "" { // reuse a generated file (profiling)
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return p, int64(len(data)), int64(bytes.Count(data, []byte{'\n'}))
	}
	path = filepath.Join(dir, "bench.log")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 4<<20)
	pad := strings.Repeat("abcdefghijklmnopqrstuvwxyz0123456789", 4)
	target := int64(1 << 30)
	if s := os.Getenv("OPSKIT_BENCH_FILE_MB"); s != "" {
		var mb int64
		fmt.Sscan(s, &mb)
		target = mb << 20
	}
	for size < target {
		n, _ := fmt.Fprintf(w, "2026-11-27T02:40:41.123456Z web-01 app[4242]: seq=%010d level=info msg=\"request served\" %s\n", lines, pad[:200-83])
		size += int64(n)
		lines++
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	return path, size, lines
}

// counter is an in-process TCP server counting non-empty lines.
type counter struct {
	ln    net.Listener
	lines atomic.Int64
	bytes atomic.Int64
	want  int64
	done  chan struct{}
	once  sync.Once
}

func newCounter(b *testing.B, want int64) *counter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	c := &counter{ln: ln, want: want, done: make(chan struct{})}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go c.serve(conn)
		}
	}()
	return c
}

func (c *counter) serve(conn net.Conn) {
	defer conn.Close()
	buf := make([]byte, 1<<20)
	prev := byte('\n')
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			var k int64
			data := buf[:n]
			for {
				i := bytes.IndexByte(data, '\n')
				if i < 0 {
					break
				}
				if i > 0 || prev != '\n' {
					k++
				}
				prev = '\n'
				data = data[i+1:]
			}
			if len(data) > 0 {
				prev = data[len(data)-1]
			}
			c.bytes.Add(int64(n))
			if c.lines.Add(k) >= c.want {
				c.once.Do(func() { close(c.done) })
			}
		}
		if err != nil {
			return
		}
	}
}

func (c *counter) wait(b *testing.B, timeout time.Duration) {
	select {
	case <-c.done:
	case <-time.After(timeout):
		b.Fatalf("receiver got %d of %d lines in %v", c.lines.Load(), c.want, timeout)
	}
}

// BenchmarkShipFile ships the same ~1 GiB file of ~200-byte lines to a
// local TCP receiver: opskit (checkpoints on, raw lines and JSON framing),
// rsyslog (imfile → omfwd) and cat (the physical limit). Each reports MB/s.
func BenchmarkShipFile(b *testing.B) {
	dir := b.TempDir() // the file is deleted with it
	path, size, lines := benchFile(b, dir)
	b.Logf("file: %d bytes, %d lines", size, lines)

	opskit := func(framing tcp.Framing) func(b *testing.B) {
		return func(b *testing.B) {
			b.SetBytes(size)
			for i := 0; i < b.N; i++ {
				c := newCounter(b, lines)
				cp := filepath.Join(b.TempDir(), "cp.json")
				if os.Getenv("OPSKIT_BENCH_NO_CHECKPOINT") != "" {
					cp = ""
				}
				src, err := file.NewSource(file.Options{Paths: []string{path}, Checkpoint: cp, ReadBytes: 1 << 20})
				if err != nil {
					b.Fatal(err)
				}
				sink, _ := tcp.NewSink(tcp.Options{Addr: c.ln.Addr().String(), Framing: framing})
				p, err := logging.NewPipeline(logging.Options{BatchBytes: benchBatchBytes(), BatchEvents: 200000, Linger: time.Millisecond}, sink)
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { _ = p.Run(ctx, src); close(done) }()
				c.wait(b, 10*time.Minute)
				b.StopTimer()
				cancel()
				<-done
				_ = p.Close(context.Background())
				c.ln.Close()
				m := p.Metrics()
				b.ReportMetric(float64(m.Batches), "batches")
				b.StartTimer()
			}
		}
	}
	b.Run("opskit", opskit(tcp.Lines))
	b.Run("opskit-json", opskit(tcp.JSON))
	b.Run("rsyslog", func(b *testing.B) {
		rsyslogd, err := exec.LookPath("rsyslogd")
		if err != nil {
			if rsyslogd = "/usr/sbin/rsyslogd"; !fileExists(rsyslogd) {
				b.Skip("rsyslogd not installed (apt-get install -y rsyslog)")
			}
		}
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			c := newCounter(b, lines)
			work := b.TempDir()
			port := c.ln.Addr().(*net.TCPAddr).Port
			conf := filepath.Join(work, "rsyslog.conf")
			cfg := fmt.Sprintf(`global(workDirectory=%q maxMessageSize="8k")
module(load="imfile")
template(name="raw" type="string" string="%%rawmsg%%")
ruleset(name="fwd" queue.type="LinkedList" queue.size="100000" queue.dequeueBatchSize="4096") {
  action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp" template="raw")
}
input(type="imfile" file=%q tag="bench" ruleset="fwd")
`, work, port, path)
			if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
				b.Fatal(err)
			}
			cmd := exec.Command(rsyslogd, "-n", "-f", conf, "-i", filepath.Join(work, "rsyslogd.pid"))
			var stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			if err := cmd.Start(); err != nil {
				b.Fatal(err)
			}
			select {
			case <-c.done:
			case <-time.After(10 * time.Minute):
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
				b.Fatalf("rsyslog delivered %d of %d lines; stderr: %s", c.lines.Load(), lines, stderr.String())
			}
			b.StopTimer()
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			c.ln.Close()
			b.StartTimer()
		}
	})
	b.Run("cat", func(b *testing.B) {
		b.SetBytes(size)
		for i := 0; i < b.N; i++ {
			c := newCounter(b, lines)
			conn, err := net.Dial("tcp", c.ln.Addr().String())
			if err != nil {
				b.Fatal(err)
			}
			f, err := conn.(*net.TCPConn).File()
			if err != nil {
				b.Fatal(err)
			}
			cmd := exec.Command("cat", path)
			cmd.Stdout = f
			if err := cmd.Run(); err != nil {
				b.Fatal(err)
			}
			f.Close()
			conn.Close()
			c.wait(b, 5*time.Minute)
			b.StopTimer()
			c.ln.Close()
			b.StartTimer()
		}
	})
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// benchBatchBytes is the pipeline batch size of the opskit runs
// (OPSKIT_BENCH_BATCH_MB, default 4 MiB, so the 65,536-event buffer holds
// about three batches and reading overlaps sending): one checkpoint fsync
// per batch.
func benchBatchBytes() int {
	mb := 4
	if s := os.Getenv("OPSKIT_BENCH_BATCH_MB"); s != "" {
		fmt.Sscan(s, &mb)
	}
	return mb << 20
}
