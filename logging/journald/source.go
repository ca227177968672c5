package journald

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Stats counts what a Source did.
type Stats struct {
	// Entries read from journalctl and the Bytes of their JSON lines.
	Entries, Bytes int64
	// Restarts of journalctl after it exited.
	Restarts int64
}

// Source follows the journal. Create it with NewSource; Run it once.
type Source struct {
	opts Options

	mu       sync.Mutex
	pending  []pending // emitted, not yet acknowledged, in order
	acked    string    // cursor of the last acknowledged entry
	dirty    bool      // acked changed since the last Sync
	lastRead string    // cursor of the last entry emitted

	stats struct{ entries, bytes, restarts atomic.Int64 }
}

type pending struct {
	offset int64
	cursor string
}

var (
	_ logging.Source = (*Source)(nil)
	_ logging.Acker  = (*Source)(nil)
	_ logging.Syncer = (*Source)(nil)
)

// NewSource validates opts and loads the checkpoint.
func NewSource(opts Options) (*Source, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	cur, err := loadCursor(opts.Checkpoint)
	if err != nil {
		return nil, err
	}
	return &Source{opts: opts, acked: cur}, nil
}

// Cursor returns the cursor of the last entry every sink acknowledged (the
// checkpoint), or "" if none was.
func (s *Source) Cursor() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acked
}

// Stats returns the counters.
func (s *Source) Stats() Stats {
	return Stats{Entries: s.stats.entries.Load(), Bytes: s.stats.bytes.Load(), Restarts: s.stats.restarts.Load()}
}

// Ack implements logging.Acker: off is the sequence number of an emitted
// entry; it and every entry emitted before it are acknowledged.
func (s *Source) Ack(off int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.pending {
		if p.offset == off {
			s.acked, s.dirty = p.cursor, true
			clear(s.pending[:i+1])
			s.pending = s.pending[i+1:]
			return
		}
	}
}

// Sync implements logging.Syncer: it writes the checkpoint if the
// acknowledged cursor moved.
func (s *Source) Sync() error {
	s.mu.Lock()
	cur, dirty := s.acked, s.dirty
	s.dirty = false
	s.mu.Unlock()
	if !dirty || s.opts.Checkpoint == "" {
		return nil
	}
	if err := saveCursor(s.opts.Checkpoint, cur); err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
		return err
	}
	return nil
}

// resume returns the cursor to read after: the last entry emitted, else
// the checkpoint, else Options.Cursor.
func (s *Source) resume() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.lastRead != "":
		return s.lastRead
	case s.acked != "":
		return s.acked
	}
	return s.opts.Cursor
}

// Run follows the journal until ctx is done and returns ctx.Err() then, or
// an error emitting to out. journalctl is restarted after the last entry
// read when it exits; five exits in a row without an entry end Run with
// an error quoting journalctl.
func (s *Source) Run(ctx context.Context, out logging.Emitter) error {
	failures := 0
	for {
		started := time.Now()
		n, err := s.follow(ctx, out)
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		var emitErr *emitError
		if errors.As(err, &emitErr) {
			return emitErr.err
		}
		if n > 0 || time.Since(started) > restartAfter {
			failures = 0
		} else {
			failures++
		}
		if failures >= 5 {
			return err
		}
		s.stats.restarts.Add(1)
		t := time.NewTimer(s.opts.Restart.Delay(failures))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// emitError is an error from the pipeline, which ends Run.
type emitError struct{ err error }

func (e *emitError) Error() string { return e.err.Error() }

// follow runs journalctl once and emits what it prints; it returns the
// number of entries emitted and why journalctl stopped.
func (s *Source) follow(ctx context.Context, out logging.Emitter) (int, error) {
	cmd := exec.CommandContext(ctx, s.opts.Journalctl, s.opts.args(s.resume())...)
	cmd.WaitDelay = 5 * time.Second
	cmd.SysProcAttr = procAttr()
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return 0, fmt.Errorf("journald: start journalctl: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("journald: start journalctl: %w", err)
	}
	n, rerr := s.read(ctx, stdout, out)
	if rerr != nil {
		_ = cmd.Process.Signal(syscall.SIGKILL)
	}
	werr := cmd.Wait()
	if rerr != nil {
		return n, rerr
	}
	if werr == nil {
		werr = errors.New("exited")
	}
	return n, fmt.Errorf("journald: journalctl %v: %s", werr, bytes.TrimSpace(stderr.Bytes()))
}

// read parses journalctl's output and emits it in groups: as many entries
// as are already buffered, at most 512, so a busy journal costs one Emit
// per group and a quiet one adds no delay.
func (s *Source) read(ctx context.Context, r io.Reader, out logging.Emitter) (int, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	var group []logging.Event
	var cursors []pending
	emitted := 0
	flush := func() error {
		if len(group) == 0 {
			return nil
		}
		s.mu.Lock()
		s.pending = append(s.pending, cursors...)
		s.mu.Unlock()
		err := out.Emit(ctx, group...)
		if err != nil {
			return &emitError{err}
		}
		s.mu.Lock()
		s.lastRead = cursors[len(cursors)-1].cursor
		s.mu.Unlock()
		emitted += len(group)
		clear(group)
		group, cursors = group[:0], cursors[:0]
		return nil
	}
	for {
		line, err := readLine(br)
		if len(line) > 0 {
			ev, cursor, perr := s.event(line)
			if perr != nil {
				return emitted, perr
			}
			group = append(group, ev)
			cursors = append(cursors, pending{ev.Offset, cursor})
		}
		if err != nil {
			if ferr := flush(); ferr != nil {
				return emitted, ferr
			}
			if err == io.EOF {
				return emitted, nil
			}
			return emitted, fmt.Errorf("journald: read journalctl output: %w", err)
		}
		if len(group) >= 512 || br.Buffered() == 0 {
			if ferr := flush(); ferr != nil {
				return emitted, ferr
			}
		}
	}
}

// readLine returns the next line without its newline. An entry is never
// cut: journald bounds its size, and a cut line would lose its cursor.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == nil {
		return line[:len(line)-1], nil
	}
	if err != bufio.ErrBufferFull {
		return line, err
	}
	long := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull {
		line, err = br.ReadSlice('\n')
		long = append(long, line...)
	}
	if err == nil {
		long = long[:len(long)-1]
	}
	return long, err
}

// event turns a JSON line into an event and its cursor.
func (s *Source) event(line []byte) (logging.Event, string, error) {
	s.stats.entries.Add(1)
	s.stats.bytes.Add(int64(len(line) + 1))
	e, err := parseEntry(line)
	if err != nil {
		return logging.Event{}, "", err
	}
	msg, _ := e.value("MESSAGE")
	ev := logging.Event{Time: e.time, Message: msg, Stream: s.opts.Stream, Source: s.opts.Source,
		Origin: "journald:" + e.seqID, Offset: e.seqnum, Acker: s}
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	if ev.Source == "" {
		if v, ok := e.value("SYSLOG_IDENTIFIER"); ok {
			ev.Source = string(v)
		} else if v, ok := e.value("_COMM"); ok {
			ev.Source = string(v)
		}
	}
	if len(s.opts.Fields) > 0 {
		ev.Fields = make(map[string]string, len(s.opts.Fields))
		for _, f := range s.opts.Fields {
			if v, ok := e.value(f); ok {
				ev.Fields[f] = string(v)
			}
		}
	}
	return ev, e.cursor, nil
}

// limitedBuffer keeps the first 4 KiB written to it (journalctl's stderr).
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := 4096 - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *limitedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]byte(nil), b.buf.Bytes()...)
}
