package cloudwatch

import (
	"sync"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// streamReader is one stream's read position and the pages emitted but
// not yet acknowledged. It is the Acker of the stream's events; their
// Offset is the stream's event count up to and including the event.
type streamReader struct {
	src           *Source
	group, stream string
	origin        string

	// Read position, used by the Run goroutine only.
	token    string // GetLogEvents token for the next call; "" is the head
	skip     int    // events of the next page already acknowledged
	count    int64  // events read so far (acknowledged before the start included)
	nextPoll time.Time
	interval time.Duration // until the next read when not a full page

	mu    sync.Mutex
	pages []pageMark // emitted pages not wholly acknowledged, in order
}

// pageMark is an emitted page: the token that returned it, the count of
// events before its first one, and its events' timestamps.
type pageMark struct {
	token string
	first int64
	times []int64
}

var (
	_ logging.Acker  = (*streamReader)(nil)
	_ logging.Syncer = (*streamReader)(nil)
)

// Ack implements logging.Acker: every event up to offset off is stored.
func (r *streamReader) Ack(off int64) {
	r.mu.Lock()
	i := len(r.pages) - 1
	for i >= 0 && r.pages[i].first >= off {
		i--
	}
	if i < 0 {
		r.mu.Unlock()
		return
	}
	p := r.pages[i]
	skip := int(off - p.first)
	st := StreamState{Group: r.group, Stream: r.stream, Token: p.token, Skip: skip, Count: off, Time: p.times[skip-1]}
	if skip == len(p.times) {
		i++ // the page is done
	}
	clear(r.pages[:i])
	r.pages = r.pages[i:]
	r.mu.Unlock()
	r.src.states.set(st)
}

// Sync implements logging.Syncer: it writes the source's checkpoint.
func (r *streamReader) Sync() error { return r.src.states.sync() }

func (r *streamReader) addPage(p pageMark) {
	r.mu.Lock()
	r.pages = append(r.pages, p)
	r.mu.Unlock()
}

// idle reports whether every event emitted from the stream was
// acknowledged.
func (r *streamReader) idle() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pages) == 0
}
