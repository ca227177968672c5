package file_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// run ships opts through a pipeline into a fake sink until cond holds.
type runner struct {
	t      *testing.T
	sink   *loggingfake.Sink
	p      *logging.Pipeline
	src    *file.Source
	cancel context.CancelFunc
	done   chan error
}

func start(t *testing.T, opts file.Options) *runner {
	t.Helper()
	if opts.Poll == 0 {
		opts.Poll = 20 * time.Millisecond
	}
	if opts.RotateWait == 0 {
		opts.RotateWait = 100 * time.Millisecond
	}
	src, err := file.NewSource(opts)
	if err != nil {
		t.Fatal(err)
	}
	sink := loggingfake.NewSink(loggingfake.Options{Limits: &logging.Limits{}})
	p, err := logging.NewPipeline(logging.Options{Linger: 5 * time.Millisecond}, sink)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &runner{t: t, sink: sink, p: p, src: src, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- p.Run(ctx, src) }()
	t.Cleanup(r.stop)
	return r
}

func (r *runner) stop() {
	r.cancel()
	<-r.done
	r.done <- nil
	_ = r.p.Close(context.Background())
}

func (r *runner) messages() []string {
	var out []string
	for _, rec := range r.sink.All() {
		out = append(out, rec.Message)
	}
	return out
}

func (r *runner) waitFor(n int) []string {
	r.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := r.messages(); len(m) >= n {
			time.Sleep(50 * time.Millisecond)
			return r.messages()
		}
		time.Sleep(10 * time.Millisecond)
	}
	r.t.Fatalf("got %d messages %q; want %d", len(r.messages()), r.messages(), n)
	return nil
}

func appendLines(t *testing.T, path string, from, to int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i := from; i < to; i++ {
		fmt.Fprintf(f, "line %06d\n", i)
	}
}

func wantSeq(t *testing.T, got []string, n int) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range got {
		seen[m]++
	}
	for i := 0; i < n; i++ {
		m := fmt.Sprintf("line %06d", i)
		if seen[m] != 1 {
			t.Fatalf("%q seen %d times; want once (got %d messages)", m, seen[m], len(got))
		}
	}
	if len(got) != n {
		t.Fatalf("got %d messages; want %d", len(got), n)
	}
}

func TestRenameRotation(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	appendLines(t, log, 0, 100)
	r := start(t, file.Options{Paths: []string{log}, Checkpoint: filepath.Join(dir, "cp.json")})
	r.waitFor(100)
	appendLines(t, log, 100, 150)
	// Rotate out of the glob: the open descriptor must still be drained.
	if err := os.Rename(log, filepath.Join(dir, "app.log.1")); err != nil {
		t.Fatal(err)
	}
	appendLines(t, filepath.Join(dir, "app.log.1"), 150, 160) // late writes to the old file
	appendLines(t, log, 160, 200)
	wantSeq(t, r.waitFor(200), 200)
	if st := r.src.Stats(); st.Lines != 200 {
		t.Fatalf("stats %+v", st)
	}
	// The rotated file left the glob: once done, it leaves the checkpoint.
	deadline := time.Now().Add(5 * time.Second)
	for len(r.src.Files()) != 1 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if files := r.src.Files(); len(files) != 1 || files[0].Path != log {
		t.Fatalf("checkpoint holds %+v; want only %s", files, log)
	}
}

func TestCopytruncate(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "app.log")
	appendLines(t, log, 0, 100)
	r := start(t, file.Options{Paths: []string{filepath.Join(dir, "app.log*")}, Checkpoint: filepath.Join(dir, "..", filepath.Base(dir)+".cp")})
	r.waitFor(100)
	for round := 0; round < 3; round++ {
		base := 100 + round*300
		// Lines the shipper may not have read before the copy is taken.
		appendLines(t, log, base, base+200)
		data, err := os.ReadFile(log)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(fmt.Sprintf("%s.%d", log, round+1), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(log, 0); err != nil {
			t.Fatal(err)
		}
		appendLines(t, log, base+200, base+300)
	}
	got := r.waitFor(1000)
	wantSeq(t, got, 1000)
	if st := r.src.Stats(); st.Truncations == 0 {
		t.Logf("stats %+v (truncation raced with the reader: copies were matched by fingerprint)", st)
	}
}

func TestCheckpointResume(t *testing.T) {
	dir := t.TempDir()
	log, cp := filepath.Join(dir, "app.log"), filepath.Join(t.TempDir(), "cp.json")
	appendLines(t, log, 0, 500)
	r := start(t, file.Options{Paths: []string{log}, Checkpoint: cp})
	r.waitFor(500)
	r.stop()
	appendLines(t, log, 500, 700)
	r2 := start(t, file.Options{Paths: []string{log}, Checkpoint: cp})
	got := r2.waitFor(200)
	if len(got) != 200 || got[0] != "line 000500" {
		t.Fatalf("after restart got %d messages starting %q; want 200 from line 000500", len(got), got[0])
	}
	states := r2.src.Files()
	if len(states) != 1 || states[0].Offset != 700*12 {
		t.Fatalf("checkpoint states %+v; want one file at offset %d", states, 700*12)
	}
}

func TestMultilineTimeout(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "ossec.log")
	content := "2024/01/02 15:04:05 ossec-analysisd: INFO: start\n" +
		"  continued 1\n  continued 2\n" +
		"2024/01/02 15:04:06 ossec-syscheckd: WARN: last\n" +
		"  tail line\n"
	if err := os.WriteFile(log, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := file.Ossec(log)
	opts.Multiline.Timeout = 100 * time.Millisecond
	opts.Timestamp.Location = time.UTC
	r := start(t, opts)
	start := time.Now()
	got := r.waitFor(2)
	if len(got) != 2 || got[0] != "2024/01/02 15:04:05 ossec-analysisd: INFO: start\n  continued 1\n  continued 2" ||
		got[1] != "2024/01/02 15:04:06 ossec-syscheckd: WARN: last\n  tail line" {
		t.Fatalf("records %q", got)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatalf("last record took %v; timeout is 100ms", time.Since(start))
	}
	recs := r.sink.All()
	if want := time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC); !recs[0].Time.Equal(want) {
		t.Fatalf("time %v; want %v", recs[0].Time, want)
	}
}

func TestSyslogPreset(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "syslog")
	now := time.Now().In(time.UTC).Truncate(time.Second)
	line := now.Format(time.Stamp) + " host sshd[12]: Accepted publickey"
	if err := os.WriteFile(log, []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := file.Syslog(log)
	opts.Timestamp.Location = time.UTC
	r := start(t, opts)
	r.waitFor(1)
	rec := r.sink.All()[0]
	if rec.Message != line || !rec.Time.Equal(now) || rec.Fields["format"] != "syslog" {
		t.Fatalf("record %+v; want time %v", rec, now)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, o := range []file.Options{{}, {Paths: []string{"[bad"}}, {Paths: []string{"x"}, Multiline: &file.Multiline{}},
		{Paths: []string{"x"}, Timestamp: &file.Timestamp{Regexp: regexp.MustCompile(".")}}} {
		_, err := file.NewSource(o)
		var oe *logging.InvalidError
		if !errors.As(err, &oe) {
			t.Fatalf("NewSource(%+v) = %v; want *logging.InvalidError", o, err)
		}
	}
	cp := filepath.Join(t.TempDir(), "cp")
	os.WriteFile(cp, []byte("{not json"), 0o644)
	if _, err := file.NewSource(file.Options{Paths: []string{"x"}, Checkpoint: cp}); err == nil || !strings.Contains(err.Error(), cp) {
		t.Fatalf("corrupt checkpoint: %v; want an error naming it", err)
	}
}
