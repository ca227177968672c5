package file

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Stats counts what a Source did.
type Stats struct {
	// Lines read (before multiline joining) and Bytes consumed.
	Lines, Bytes int64
	// Rotations seen by rename and by truncation (copytruncate).
	Renames, Truncations int64
	// TruncatedUnread is bytes that were in a truncated file past the read
	// offset when no copy of it was found (lost to the rotation).
	TruncatedUnread int64
}

// Source tails files. Create it with NewSource; Run it once.
type Source struct {
	opts     Options
	store    *store
	trackers map[string]*tracker // by ID
	lastScan time.Time
	chunks   chunkPool
	stats    struct{ lines, bytes, renames, truncs, unread atomic.Int64 }
}

// NewSource validates opts and loads the checkpoint.
func NewSource(opts Options) (*Source, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	st, err := loadStore(opts.Checkpoint)
	if err != nil {
		return nil, err
	}
	s := &Source{opts: opts, store: st, trackers: map[string]*tracker{}}
	for _, fs := range st.snapshot() {
		sum, err := hex.DecodeString(fs.Fingerprint)
		if err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("file: checkpoint %s: bad fingerprint for %s", opts.Checkpoint, fs.Path)
		}
		t := &tracker{src: s, id: fs.ID, fpLen: fs.FingerprintLen, path: fs.Path, ino: fs.Inode, dev: fs.Device,
			readOff: fs.Offset, done: fs.Done, restored: true}
		copy(t.fp[:], sum)
		// Everything before the restored offset was acknowledged, and a
		// finished file stays finished: every later state() written for
		// this file (retired, switched to its copy, fingerprint grown)
		// must say so, or the checkpoint rewinds to 0.
		t.acked.Store(fs.Offset)
		if fs.Done {
			t.final.Store(fs.Offset + 1)
		}
		s.trackers[fs.ID] = t
	}
	return s, nil
}

// Stats returns the counters.
func (s *Source) Stats() Stats {
	return Stats{Lines: s.stats.lines.Load(), Bytes: s.stats.bytes.Load(), Renames: s.stats.renames.Load(),
		Truncations: s.stats.truncs.Load(), TruncatedUnread: s.stats.unread.Load()}
}

// Files returns the checkpointed state of every known file.
func (s *Source) Files() []FileState { return s.store.snapshot() }

// Run tails until ctx is done. It returns ctx.Err() then, or an error
// writing to out. Open files are closed on return.
func (s *Source) Run(ctx context.Context, out logging.Emitter) error {
	defer func() {
		for _, t := range s.trackers {
			t.close()
		}
	}()
	for {
		if time.Since(s.lastScan) >= s.opts.Poll {
			s.scan()
			s.lastScan = time.Now()
		}
		progress := false
		for _, t := range s.sortedActive() {
			n, err := t.read(ctx, out)
			if err != nil {
				return err
			}
			if n > 0 {
				progress = true
			}
		}
		if !progress {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(s.opts.Poll / 2):
			}
		} else if err := ctx.Err(); err != nil {
			return err
		}
	}
}

func (s *Source) sortedActive() []*tracker {
	var ts []*tracker
	for _, t := range s.trackers {
		if t.f != nil {
			ts = append(ts, t)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].path < ts[j].path })
	return ts
}

// candidate is a matched path with its identity.
type candidate struct {
	path     string
	ino, dev uint64
	size     int64
	head     []byte // first min(size, FingerprintBytes) bytes
}

func (s *Source) glob() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range s.opts.Paths {
		matches, _ := filepath.Glob(p)
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
			}
		}
	}
	sort.Strings(out)
	return out
}

func statIDs(fi os.FileInfo) (ino, dev uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino, uint64(st.Dev)
	}
	return 0, 0
}

func (s *Source) candidates() []candidate {
	var cs []candidate
	for _, p := range s.glob() {
		f, err := os.Open(p)
		if err != nil {
			continue
		}
		fi, err := f.Stat()
		if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 {
			f.Close()
			continue
		}
		head := make([]byte, min(fi.Size(), int64(s.opts.FingerprintBytes)))
		n, _ := io.ReadFull(f, head)
		f.Close()
		ino, dev := statIDs(fi)
		cs = append(cs, candidate{path: p, ino: ino, dev: dev, size: fi.Size(), head: head[:n]})
	}
	return cs
}

// matches reports whether c's content starts with t's fingerprinted prefix.
func (t *tracker) matches(c *candidate) bool {
	return t.fpLen > 0 && len(c.head) >= t.fpLen && sha256.Sum256(c.head[:t.fpLen]) == t.fp
}

// scan matches paths to known files and starts tracking new ones.
func (s *Source) scan() {
	cs := s.candidates()
	claimed := map[int]bool{}
	// Open files: same inode at a path means it is still (or was renamed) there.
	for _, t := range s.trackers {
		if t.f == nil {
			continue
		}
		t.atPath = false
		for i := range cs {
			if cs[i].ino == t.ino && cs[i].dev == t.dev && len(cs[i].head) >= t.fpLen && !t.matches(&cs[i]) {
				t.replaced = true // truncated and rewritten past our offset
			}
			if cs[i].ino == t.ino && cs[i].dev == t.dev && t.matches(&cs[i]) {
				if cs[i].path != t.path && t.path != "" {
					s.stats.renames.Add(1)
				}
				t.path, t.atPath, claimed[i] = cs[i].path, true, true
			}
		}
		if !t.atPath {
			// Renamed out of the globs or deleted: is the path's new file ours?
			if _, err := os.Stat(t.path); err == nil {
				for i := range cs {
					if cs[i].path == t.path && cs[i].ino == t.ino && cs[i].dev == t.dev {
						t.atPath = true
					}
				}
			}
		}
	}
	// Copies of open files (copytruncate) and re-seen finished files.
	seenDone := map[*tracker]bool{}
	for i := range cs {
		if claimed[i] {
			continue
		}
		for _, t := range s.trackers {
			if t.matches(&cs[i]) && (t.f != nil || t.done) {
				claimed[i] = true
				seenDone[t] = true
				break
			}
		}
	}
	// Forget finished files that no path matches any more, once their
	// completion is durable, so the checkpoint does not grow forever.
	for id, t := range s.trackers {
		if t.done && t.f == nil && !seenDone[t] && t.state().Done {
			delete(s.trackers, id)
			s.store.remove(id)
		}
	}
	// Restored trackers: prefer the same inode, then any copy holding the
	// offset. One that no path matches for RotateWait was deleted or moved
	// out of the globs while the source was down: forget it, so the
	// checkpoint holds only files on disk.
	now := time.Now()
	for id, t := range s.trackers {
		if !t.restored || t.f != nil || t.done {
			continue
		}
		best, seen := -1, false
		for i := range cs {
			if !t.matches(&cs[i]) {
				continue
			}
			seen = true
			if claimed[i] || cs[i].size < t.readOff {
				continue
			}
			if best < 0 || (cs[i].ino == t.ino && cs[i].dev == t.dev) {
				best = i
			}
		}
		switch {
		case seen:
			t.missingSince = time.Time{}
		case t.missingSince.IsZero():
			t.missingSince = now
		case now.Sub(t.missingSince) >= s.opts.RotateWait:
			delete(s.trackers, id)
			s.store.remove(id)
			continue
		}
		if best >= 0 && t.open(&cs[best], t.readOff) {
			claimed[best] = true
		}
	}
	for i := range cs {
		if claimed[i] {
			continue
		}
		c := &cs[i]
		if bytesIndex(c.head, '\n') < 0 && c.size < int64(s.opts.FingerprintBytes) {
			continue // not one complete line yet: wait before fingerprinting
		}
		sum := sha256.Sum256(c.head)
		known := false
		for _, t := range s.trackers {
			if t.matches(c) {
				known = true
				break
			}
		}
		if known {
			continue // restored file truncated below its offset with the same prefix: keep waiting
		}
		id := fmt.Sprintf("%x-%d", sum[:12], len(c.head))
		t := &tracker{src: s, id: id, fp: sum, fpLen: len(c.head)}
		s.trackers[id] = t
		if t.open(c, 0) {
			s.store.update(t.state())
		} else {
			delete(s.trackers, id)
		}
	}
}

func bytesIndex(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// findCopy looks for a copy of t (same fingerprint, another inode) that
// holds at least size bytes.
func (s *Source) findCopy(t *tracker, size int64) *candidate {
	for _, c := range s.candidates() {
		if (c.ino != t.ino || c.dev != t.dev) && c.size >= size && t.matches(&c) {
			return &c
		}
	}
	return nil
}
