package file

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// tracker follows one file (one identity) across renames and copies.
type tracker struct {
	src      *Source
	id       string
	fp       [sha256.Size]byte
	fpLen    int
	path     string
	ino, dev uint64
	f        *os.File
	readOff  int64 // bytes consumed (complete lines) from the start
	carry    []byte
	atPath   bool
	eofSince time.Time
	done     bool
	restored bool
	// missingSince is when a restored file was first matched by no path.
	missingSince time.Time
	join         *joiner
	evs          []logging.Event // scratch for emitLines
	replaced     bool            // same inode, different content: truncated and rewritten
	lastSize     int64           // largest size seen: a smaller one means truncation
	mu           sync.Mutex      // guards inflight
	inflight     []chunkRef      // read buffers events still point into
	acked        atomic.Int64    // offset every sink acknowledged
	final        atomic.Int64    // 1 + end offset once retired, 0 while active
}

var (
	_ logging.Acker  = (*tracker)(nil)
	_ logging.Syncer = (*tracker)(nil)
)

// Ack records that everything before off was acknowledged.
func (t *tracker) Ack(off int64) {
	t.mu.Lock()
	i := 0
	for ; i < len(t.inflight) && t.inflight[i].release <= off; i++ {
		t.src.chunks.put(t.inflight[i].buf)
		t.inflight[i] = chunkRef{}
	}
	t.inflight = t.inflight[i:]
	t.mu.Unlock()
	t.acked.Store(off)
	t.src.store.setOffset(t.id, off)
	if f := t.final.Load(); f > 0 && off >= f-1 {
		t.src.store.update(t.state())
	}
}

// chunkRef is a read buffer and the offset after which it is unused.
type chunkRef struct {
	buf     []byte
	release int64
}

// chunkPool recycles read buffers, so reading does not fault in fresh
// memory for every chunk.
type chunkPool struct {
	mu   sync.Mutex
	free [][]byte
}

func (p *chunkPool) get(size int) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.free) > 0 {
		b := p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		if cap(b) >= size {
			return b[:cap(b)]
		}
	}
	return make([]byte, size)
}

func (p *chunkPool) put(b []byte) {
	p.mu.Lock()
	if len(p.free) < 64 {
		p.free = append(p.free, b[:0])
	}
	p.mu.Unlock()
}

// Sync persists the source's checkpoint.
func (t *tracker) Sync() error { return t.src.store.sync() }

func (t *tracker) state() FileState {
	return FileState{ID: t.id, Fingerprint: hexSum(t.fp), FingerprintLen: t.fpLen, Path: t.path,
		Inode: t.ino, Device: t.dev, Offset: t.acked.Load(),
		Done: t.final.Load() > 0 && t.acked.Load() >= t.final.Load()-1}
}

func hexSum(b [sha256.Size]byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 2*len(b))
	for i, x := range b {
		out[2*i], out[2*i+1] = digits[x>>4], digits[x&15]
	}
	return string(out)
}

// open starts reading c at off; it reports false if c changed meanwhile.
func (t *tracker) open(c *candidate, off int64) bool {
	f, err := os.Open(c.path)
	if err != nil {
		return false
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return false
	}
	ino, dev := statIDs(fi)
	if ino != c.ino || dev != c.dev {
		f.Close() // replaced between stat and open: next scan
		return false
	}
	t.f, t.path, t.ino, t.dev, t.atPath = f, c.path, ino, dev, true
	t.readOff, t.carry, t.eofSince, t.replaced, t.lastSize = off, nil, time.Time{}, false, 0
	if t.join == nil && t.src.opts.Multiline != nil {
		t.join = &joiner{cfg: t.src.opts.Multiline}
	}
	return true
}

func (t *tracker) close() {
	if t.f != nil {
		t.f.Close()
		t.f = nil
	}
}

// read reads one chunk and emits its complete lines; it returns the bytes
// consumed.
func (t *tracker) read(ctx context.Context, out logging.Emitter) (int, error) {
	s := t.src
	fi, err := t.f.Stat()
	if err != nil {
		return 0, nil
	}
	size := fi.Size()
	end := t.readOff + int64(len(t.carry))
	if size < end || size < t.lastSize || t.replaced {
		return 0, t.truncated(ctx, out, end)
	}
	t.lastSize = size
	if size == end {
		return 0, t.atEOF(ctx, out)
	}
	t.eofSince = time.Time{}
	n := int(min(size-end, int64(s.opts.ReadBytes)))
	buf := s.chunks.get(s.opts.ReadBytes)[:n]
	n, err = t.f.ReadAt(buf, end)
	if err != nil && err != io.EOF {
		s.chunks.put(buf)
		return 0, nil
	}
	buf = buf[:n]
	// Truncated and rewritten past our offset since the stat (copytruncate
	// racing the read)? Then what we read is another file's content.
	if !t.samePrefix() {
		s.chunks.put(buf)
		t.replaced = true
		return 0, t.truncated(ctx, out, end)
	}
	if t.fpLen < s.opts.FingerprintBytes && end+int64(n) >= int64(s.opts.FingerprintBytes) {
		t.growFingerprint()
	}
	if err := t.emitLines(ctx, out, buf); err != nil {
		return n, err
	}
	// Events point into buf until the pipeline acknowledges them: recycle
	// it once the acknowledged offset passes its last line.
	t.mu.Lock()
	t.inflight = append(t.inflight, chunkRef{buf: buf, release: t.readOff})
	t.mu.Unlock()
	return n, nil
}

// samePrefix reports whether the open file still starts with the
// fingerprinted bytes.
func (t *tracker) samePrefix() bool {
	if t.fpLen == 0 {
		return true
	}
	head := make([]byte, t.fpLen)
	n, _ := t.f.ReadAt(head, 0)
	return n == t.fpLen && sha256.Sum256(head) == t.fp
}

// growFingerprint extends a short fingerprint once the file is long enough.
func (t *tracker) growFingerprint() {
	head := make([]byte, t.src.opts.FingerprintBytes)
	if n, _ := t.f.ReadAt(head, 0); n == len(head) {
		t.fp, t.fpLen = sha256.Sum256(head), n
		t.src.store.update(t.state())
	}
}

// emitLines splits buf (following t.carry) into lines and emits them.
func (t *tracker) emitLines(ctx context.Context, out logging.Emitter, buf []byte) error {
	s := t.src
	now := time.Now()
	evs := t.evs[:0] // Emit copies events into the pipeline's buffer: reuse
	defer func() { clear(evs); t.evs = evs[:0] }()
	// pos is the offset just past the last complete line; t.carry holds
	// the bytes of an unfinished line that follow it.
	pos := t.readOff
	lines := int64(0)
	for len(buf) > 0 {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			if len(t.carry)+len(buf) > s.opts.MaxLineBytes {
				// Cut an over-long line: emit what we have as one event.
				line := append(t.carry, buf...)
				pos += int64(len(line))
				t.carry = nil
				evs = t.appendLine(evs, line, pos, now)
				lines++
			} else {
				t.carry = append(t.carry, buf...)
			}
			break
		}
		line := buf[:i]
		n := int64(i + 1)
		if len(t.carry) > 0 {
			n += int64(len(t.carry))
			line = append(t.carry, line...)
			t.carry = nil
		}
		pos += n
		buf = buf[i+1:]
		evs = t.appendLine(evs, trimCR(line), pos, now)
		lines++
	}
	s.stats.lines.Add(lines)
	s.stats.bytes.Add(pos - t.readOff)
	t.readOff = pos
	if len(evs) == 0 {
		return nil
	}
	return out.Emit(ctx, evs...)
}

func (t *tracker) appendLine(evs []logging.Event, line []byte, end int64, now time.Time) []logging.Event {
	if t.join != nil {
		rec, recEnd, ok := t.join.add(line, end, now)
		if !ok {
			return evs
		}
		line, end = rec, recEnd
	}
	return append(evs, t.event(line, end, now))
}

func (t *tracker) event(line []byte, end int64, now time.Time) logging.Event {
	s := t.src
	ts := now
	if s.opts.Timestamp != nil {
		ts = s.opts.Timestamp.parse(line, now)
	}
	return logging.Event{Time: ts, Message: line, Stream: s.opts.Stream, Source: t.path, Origin: t.id,
		Offset: end, Fields: s.opts.Fields, Acker: t}
}

// atEOF flushes timed-out multiline records and retires a rotated file.
func (t *tracker) atEOF(ctx context.Context, out logging.Emitter) error {
	now := time.Now()
	if t.join != nil {
		if rec, end, ok := t.join.flush(now, false); ok {
			if err := out.Emit(ctx, t.event(rec, end, now)); err != nil {
				return err
			}
		}
	}
	if t.atPath {
		return nil
	}
	if t.eofSince.IsZero() {
		t.eofSince = now
		return nil
	}
	if now.Sub(t.eofSince) < t.src.opts.RotateWait {
		return nil
	}
	// Rotated away or deleted and quiet: emit a final partial line, retire.
	var evs []logging.Event
	if len(t.carry) > 0 {
		end := t.readOff + int64(len(t.carry))
		evs = t.appendLine(evs, t.carry, end, now)
		t.carry, t.readOff = nil, end
	}
	if t.join != nil {
		if rec, end, ok := t.join.flush(now, true); ok {
			evs = append(evs, t.event(rec, end, now))
		}
	}
	if len(evs) > 0 {
		if err := out.Emit(ctx, evs...); err != nil {
			return err
		}
	}
	t.retire()
	return nil
}

// retire stops reading; the checkpoint marks the file done once everything
// read was acknowledged.
func (t *tracker) retire() {
	t.close()
	t.done = true
	t.final.Store(t.readOff + 1)
	t.src.store.update(t.state())
}

// truncated handles a file that shrank below what was read: copytruncate.
func (t *tracker) truncated(ctx context.Context, out logging.Emitter, end int64) error {
	s := t.src
	s.stats.truncs.Add(1)
	if c := s.findCopy(t, end); c != nil {
		// Finish from the copy, which holds what was written before the
		// truncation; the truncated file becomes a new file at scan.
		old := t.f
		if t.open(c, t.readOff) {
			old.Close()
			t.atPath = false // the copy is a rotated file: retire at its end
			t.src.store.update(t.state())
			return nil
		}
		t.f = old
		return nil // the copy moved meanwhile: try again next round
	}
	fi, err := t.f.Stat()
	if err == nil && fi.Size() < end {
		s.stats.unread.Add(max(0, end-t.readOff))
	}
	t.carry = nil
	t.retire()
	return nil
}
