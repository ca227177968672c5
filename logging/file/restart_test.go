package file_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// shipper is one life of a shipper process: a source and a pipeline into
// its own fake sink, stopped by kill without flushing.
type shipper struct {
	t      *testing.T
	src    *file.Source
	sink   *loggingfake.Sink
	p      *logging.Pipeline
	cancel context.CancelFunc
	done   chan error
}

func startShipper(t *testing.T, opts file.Options) *shipper {
	t.Helper()
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
	s := &shipper{t: t, src: src, sink: sink, p: p, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- p.Run(ctx, src) }()
	return s
}

// kill stops the shipper the way SIGKILL leaves it: nothing is flushed,
// the checkpoint holds what the last acknowledged batch synced. It
// returns what the sink stored.
func (s *shipper) kill() []string {
	s.cancel()
	<-s.done
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_ = s.p.Close(ctx)
	var out []string
	for _, r := range s.sink.All() {
		out = append(out, r.Message)
	}
	return out
}

// waitIdle waits until the sink stored n events in this life and the
// pipeline holds nothing, so a kill has no batch in flight.
func (s *shipper) waitIdle(n int) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		m := s.p.Metrics()
		if len(s.sink.All()) >= n && m.Buffered == 0 && m.Lag == 0 {
			time.Sleep(30 * time.Millisecond) // let the sender finish its Sync
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.t.Fatalf("stored %d events in this life; want %d", len(s.sink.All()), n)
}

// waitFiles waits up to 5 s for the source to track n files.
func waitFiles(src *file.Source, n int) {
	deadline := time.Now().Add(5 * time.Second)
	for len(src.Files()) != n && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
}

func copytruncate(t *testing.T, path, rotated string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rotated, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
}

func readCheckpoint(t *testing.T, path string) []file.FileState {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cf struct {
		Files []file.FileState `json:"files"`
	}
	if err := json.Unmarshal(data, &cf); err != nil {
		t.Fatal(err)
	}
	return cf.Files
}

// TestRestartCopytruncate restarts a shipper three times across
// copytruncate rotations (one while it runs on a file restored from the
// checkpoint and quiet, one while it is down) and logrotate deleting the
// rotated copies (once while the shipper is down, once while it runs),
// then starts it once more. One kill lands while lines are on their way;
// the others wait for an idle pipeline. Every line must be shipped exactly
// once (the fake sink acknowledges whatever it stored, so a kill leaves no
// stored batch unacknowledged) and the checkpoint must hold one entry per
// file on disk.
func TestRestartCopytruncate(t *testing.T) {
	dir := t.TempDir()
	log, rotated, cp := filepath.Join(dir, "app.log"), filepath.Join(dir, "app.log.1"), filepath.Join(t.TempDir(), "cp.json")
	opts := file.Options{Paths: []string{filepath.Join(dir, "app.log*")}, Checkpoint: cp,
		Poll: 20 * time.Millisecond, RotateWait: 100 * time.Millisecond}
	var got []string

	// Life 1: ship 100 lines.
	appendLines(t, log, 0, 100)
	s := startShipper(t, opts)
	s.waitIdle(100)
	got = append(got, s.kill()...)

	// Life 2: the restored file is quiet when copytruncate rotates it.
	s = startShipper(t, opts)
	time.Sleep(200 * time.Millisecond) // scanned and open at its restored offset
	copytruncate(t, log, rotated)
	appendLines(t, log, 100, 150)
	s.waitIdle(50)
	appendLines(t, log, 150, 200)
	s.waitIdle(100)
	if st := s.src.Stats(); st.Truncations == 0 {
		t.Fatalf("life 2 stats %+v; want the truncation of the restored file seen", st)
	}
	got = append(got, s.kill()...)

	// Life 3: the copy is still there, read to its end; it must not be
	// shipped again. Killed while lines are on their way.
	s = startShipper(t, opts)
	appendLines(t, log, 200, 250)
	s.waitIdle(50)
	appendLines(t, log, 250, 300)
	got = append(got, s.kill()...)

	// Down: logrotate deletes the old copy, and copytruncate makes a new
	// one holding the lines the kill left unshipped.
	if err := os.Remove(rotated); err != nil {
		t.Fatal(err)
	}
	copytruncate(t, log, rotated)
	appendLines(t, log, 300, 350)

	// Life 4: the deleted copy's entry is forgotten, the new copy is read
	// from the checkpoint to its end, then logrotate deletes it too.
	s = startShipper(t, opts)
	s.waitIdle(350 - len(got))
	if err := os.Remove(rotated); err != nil {
		t.Fatal(err)
	}
	waitFiles(s.src, 1)
	appendLines(t, log, 350, 450) // a batch whose Sync persists the removals
	s.waitIdle(450 - len(got))
	got = append(got, s.kill()...)

	// A last start must ship nothing again.
	s = startShipper(t, opts)
	time.Sleep(300 * time.Millisecond)
	got = append(got, s.kill()...)
	wantSeq(t, got, 450)

	files := readCheckpoint(t, cp)
	fi, err := os.Stat(log)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0].Path != log || files[0].Offset != fi.Size() {
		t.Fatalf("checkpoint holds %+v; want one entry for %s at offset %d", files, log, fi.Size())
	}
}

// TestRestoredEntriesOfDeletedFiles starts on a checkpoint holding, besides
// the file on disk, a finished file and an unfinished one that were both
// deleted while the shipper was down: both entries must leave the
// checkpoint, and the file on disk must resume at its offset.
func TestRestoredEntriesOfDeletedFiles(t *testing.T) {
	dir := t.TempDir()
	log, cp := filepath.Join(dir, "app.log"), filepath.Join(t.TempDir(), "cp.json")
	appendLines(t, log, 0, 100)
	opts := file.Options{Paths: []string{filepath.Join(dir, "app.log*")}, Checkpoint: cp,
		Poll: 20 * time.Millisecond, RotateWait: 100 * time.Millisecond}
	s := startShipper(t, opts)
	s.waitIdle(100)
	s.kill()
	live := readCheckpoint(t, cp)
	if len(live) != 1 {
		t.Fatalf("checkpoint holds %+v; want one entry", live)
	}
	gone := func(id string, done bool) string {
		return fmt.Sprintf(`{"id":%q,"fp":"%064x","fp_len":1024,"path":%q,"ino":1,"dev":1,"offset":4096,"done":%v}`,
			id, len(id), filepath.Join(dir, "app.log."+id), done)
	}
	entry, err := json.Marshal(live[0])
	if err != nil {
		t.Fatal(err)
	}
	data := fmt.Sprintf(`{"version":1,"files":[%s,%s,%s]}`, entry, gone("finished", true), gone("unfinished", false))
	if err := os.WriteFile(cp, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s = startShipper(t, opts)
	waitFiles(s.src, 1)
	appendLines(t, log, 100, 110) // a batch whose Sync persists the removals
	s.waitIdle(10)
	got := s.kill()
	if len(got) != 10 || got[0] != "line 000100" {
		t.Fatalf("after restart shipped %d lines starting %q; want 10 from line 000100", len(got), got[0])
	}
	if files := readCheckpoint(t, cp); len(files) != 1 || files[0].Path != log {
		t.Fatalf("checkpoint holds %+v; want one entry for %s", files, log)
	}
}
