package journald_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/journald"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// run ships src into a fresh fake sink until want events arrived or 20 s
// passed, then stops the source and closes the pipeline.
func run(t *testing.T, src *journald.Source, want int) []loggingfake.Record {
	t.Helper()
	sink := loggingfake.NewSink(loggingfake.Options{Stream: "journal"})
	p, err := logging.NewPipeline(logging.Options{Linger: 20 * time.Millisecond}, sink)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, src) }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) && len(sink.Events("journal")) < want {
		time.Sleep(20 * time.Millisecond)
	}
	// A moment more, so an event beyond want would show.
	time.Sleep(300 * time.Millisecond)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	if err := p.Close(cctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return sink.Events("journal")
}

// TestJournalSource writes numbered lines through systemd-cat and, with
// journald's native protocol, a multi-line message, binary values and an
// error-priority entry into the real journal; the source reads them with
// their fields, filters by priority and field, and resumes after its
// checkpoint without repeating a line.
func TestJournalSource(t *testing.T) {
	testenv.Journald(t)
	run1 := fmt.Sprintf("opskit-jt-%d", time.Now().UnixNano())
	cp := filepath.Join(t.TempDir(), "journal.cp")
	const lines = 1000
	writeLines(t, run1, 0, lines)
	multi := []byte("panic: boom\n\tgoroutine 1 [running]:\n\tmain.main()")
	binMsg := []byte{'b', 'i', 'n', 0x00, 0xff, 0x01, '\n', 'x'}
	blob := []byte{0, 1, 2, 0xfe, 0xff}
	writeNative(t, journalField{"SYSLOG_IDENTIFIER", []byte(run1)}, journalField{"PRIORITY", []byte("6")},
		journalField{"MESSAGE", multi}, journalField{"OPSKIT_RUN", []byte(run1)})
	writeNative(t, journalField{"SYSLOG_IDENTIFIER", []byte(run1)}, journalField{"PRIORITY", []byte("3")},
		journalField{"MESSAGE", binMsg}, journalField{"BLOB", blob}, journalField{"OPSKIT_RUN", []byte(run1)})

	src, err := journald.NewSource(journald.Options{Start: journald.Head, Identifiers: []string{run1}, Checkpoint: cp,
		Fields: append([]string{"BLOB", "OPSKIT_RUN"}, journald.DefaultFields...)})
	if err != nil {
		t.Fatal(err)
	}
	got := run(t, src, lines+2)
	if len(got) != lines+2 {
		t.Fatalf("got %d events; want %d", len(got), lines+2)
	}
	// journald orders entries as it receives them; the stdout stream and
	// the native socket are read independently, so split them.
	var seqs, native []loggingfake.Record
	for _, r := range got {
		if strings.HasPrefix(r.Message, "seq=") {
			seqs = append(seqs, r)
		} else {
			native = append(native, r)
		}
	}
	if len(seqs) != lines || len(native) != 2 {
		t.Fatalf("got %d numbered and %d native entries; want %d and 2", len(seqs), len(native), lines)
	}
	for i := 0; i < lines; i++ {
		r := seqs[i]
		if want := fmt.Sprintf("seq=%07d journald test line", i); r.Message != want {
			t.Fatalf("event %d = %q; want %q", i, r.Message, want)
		}
		if r.Fields["SYSLOG_IDENTIFIER"] != run1 || r.Fields["PRIORITY"] != "6" || r.Fields["_PID"] == "" || r.Fields["_HOSTNAME"] == "" {
			t.Fatalf("event %d fields %v; want identifier, priority 6, _PID and _HOSTNAME", i, r.Fields)
		}
		if r.Source != run1 || !strings.HasPrefix(r.Origin, "journald:") || r.Offset <= 0 {
			t.Fatalf("event %d: source %q origin %q offset %d", i, r.Source, r.Origin, r.Offset)
		}
		if i > 0 && r.Offset <= seqs[i-1].Offset {
			t.Fatalf("event %d: offset %d not after %d", i, r.Offset, seqs[i-1].Offset)
		}
		if time.Since(r.Time) > time.Minute || time.Since(r.Time) < 0 {
			t.Fatalf("event %d: time %v is not the entry's", i, r.Time)
		}
	}
	if m := native[0]; m.Message != string(multi) || m.Fields["OPSKIT_RUN"] != run1 {
		t.Fatalf("multi-line entry = %q fields %v; want %q in one event", m.Message, m.Fields, multi)
	}
	// The fake stores what a sink would: invalid UTF-8 as U+FFFD. The
	// binary field is kept byte for byte.
	if b := native[1]; !bytes.Equal([]byte(b.Fields["BLOB"]), blob) || !strings.HasPrefix(b.Message, "bin") || b.Fields["PRIORITY"] != "3" {
		t.Fatalf("binary entry = %q fields %q; want BLOB %v", b.Message, b.Fields, blob)
	}
	cur := src.Cursor()
	data, err := os.ReadFile(cp)
	if err != nil || cur == "" || !strings.Contains(string(data), cur) {
		t.Fatalf("checkpoint %s = %q (%v); want cursor %q", cp, data, err, cur)
	}

	// Priority and field filters are journalctl's: only the err entry.
	only, err := journald.NewSource(journald.Options{Start: journald.Head, Priority: "err", Matches: []string{"OPSKIT_RUN=" + run1}})
	if err != nil {
		t.Fatal(err)
	}
	if f := run(t, only, 1); len(f) != 1 || f[0].Fields["PRIORITY"] != "3" {
		t.Fatalf("priority err and OPSKIT_RUN match gave %d events %v; want the one err entry", len(f), f)
	}

	// A restart resumes after the checkpoint: new lines only, none repeated.
	// Options.Cursor, without a checkpoint, starts at the same place.
	writeLines(t, run1, lines, 200)
	byCursor, err := journald.NewSource(journald.Options{Identifiers: []string{run1}, Cursor: cur})
	if err != nil {
		t.Fatal(err)
	}
	if c := run(t, byCursor, 200); len(c) != 200 || c[0].Message != fmt.Sprintf("seq=%07d journald test line", lines) {
		t.Fatalf("Options.Cursor start got %d events; want 200 starting at seq=%07d", len(c), lines)
	}
	again, err := journald.NewSource(journald.Options{Start: journald.Head, Identifiers: []string{run1}, Checkpoint: cp})
	if err != nil {
		t.Fatal(err)
	}
	more := run(t, again, 200)
	if len(more) != 200 || more[0].Message != fmt.Sprintf("seq=%07d journald test line", lines) {
		first := ""
		if len(more) > 0 {
			first = more[0].Message
		}
		t.Fatalf("after restart got %d events starting %q; want 200 starting at seq=%07d", len(more), first, lines)
	}
}

// TestJournalTail starts at the tail: entries already in the journal are
// not read, those written after the start are, in order.
func TestJournalTail(t *testing.T) {
	testenv.Journald(t)
	id := fmt.Sprintf("opskit-jtail-%d", time.Now().UnixNano())
	writeLines(t, id, 0, 10)
	time.Sleep(200 * time.Millisecond) // journald has read the stream
	src, err := journald.NewSource(journald.Options{Identifiers: []string{id}})
	if err != nil {
		t.Fatal(err)
	}
	// Write one line every 100 ms until 5 arrived: when journalctl starts
	// following is not known, so the first lines may come before it.
	stop, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		for i := 10; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
				if err := exec.Command("systemd-cat", "-t", id, "echo", fmt.Sprintf("seq=%07d journald test line", i)).Run(); err != nil {
					t.Errorf("systemd-cat: %v", err)
					return
				}
			}
		}
	}()
	got := run(t, src, 5)
	close(stop)
	<-stopped
	if len(got) < 5 {
		t.Fatalf("tail start got %d events; want at least 5", len(got))
	}
	var first int
	if _, err := fmt.Sscanf(got[0].Message, "seq=%d", &first); err != nil || first < 10 {
		t.Fatalf("tail start read %q first; want a line written after the start (seq >= 10)", got[0].Message)
	}
	for i, r := range got {
		if want := fmt.Sprintf("seq=%07d journald test line", first+i); r.Message != want {
			t.Fatalf("event %d = %q; want %q", i, r.Message, want)
		}
	}
}

func TestOptionsInvalid(t *testing.T) {
	for _, o := range []journald.Options{
		{Priority: "loud"},
		{Priority: "err..nope"},
		{Matches: []string{"lower=x"}},
		{Matches: []string{"NOEQUALS"}},
		{Fields: []string{"bad field"}},
		{Units: []string{""}},
		{Start: 7},
	} {
		_, err := journald.NewSource(o)
		var ie *logging.InvalidError
		if !errors.Is(err, logging.ErrInvalid) || !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), "logging: invalid journald.Options") {
			t.Errorf("NewSource(%+v) = %v; want a journald.Options InvalidError", o, err)
		}
	}
}

// TestJournalctlFails: a journalctl that cannot run ends Run with its
// error, after a few restarts.
func TestJournalctlFails(t *testing.T) {
	src, err := journald.NewSource(journald.Options{Journalctl: "/bin/false", Restart: logging.Backoff{Initial: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := logging.NewPipeline(logging.Options{}, loggingfake.NewSink(loggingfake.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = src.Run(ctx, p)
	if err == nil || !strings.HasPrefix(err.Error(), "journald: journalctl") || src.Stats().Restarts != 4 {
		t.Fatalf("Run = %v after %d restarts; want a journald: journalctl error after 4", err, src.Stats().Restarts)
	}
}
