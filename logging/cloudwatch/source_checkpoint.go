package cloudwatch

import (
	"sort"
	"sync"

	"github.com/opskit-dev/opskit/logging/internal/statefile"
)

// checkpointVersion is the on-disk format version.
const checkpointVersion = 1

// StreamState is one stream's durable position: the page that holds the
// first event not yet acknowledged, and how many of its events were.
type StreamState struct {
	Group  string `json:"group"`
	Stream string `json:"stream"`
	// Token is the GetLogEvents token that returned that page; empty
	// means the stream's head (or StartTime).
	Token string `json:"token,omitempty"`
	// Skip is how many events of that page were acknowledged.
	Skip int `json:"skip,omitempty"`
	// Count is how many events of the stream were acknowledged in all:
	// the next event's Offset is Count+1.
	Count int64 `json:"count"`
	// Time is the timestamp (Unix ms) of the last acknowledged event, for
	// resuming by time if the token is refused.
	Time int64 `json:"time,omitempty"`
}

type sourceCheckpoint struct {
	Version int           `json:"version"`
	Streams []StreamState `json:"streams"`
}

// states keeps every stream's state and writes them atomically.
type states struct {
	path  string
	wmu   sync.Mutex // held across a whole write
	mu    sync.Mutex
	m     map[[2]string]StreamState
	dirty bool
}

func loadStates(path string) (*states, error) {
	st := &states{path: path, m: map[[2]string]StreamState{}}
	if path == "" {
		return st, nil
	}
	var cp sourceCheckpoint
	if _, err := statefile.Load("cloudwatch", path, checkpointVersion, &cp); err != nil {
		return nil, err
	}
	for _, s := range cp.Streams {
		st.m[[2]string{s.Group, s.Stream}] = s
	}
	return st, nil
}

func (st *states) get(group, stream string) (StreamState, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.m[[2]string{group, stream}]
	return s, ok
}

func (st *states) set(s StreamState) {
	st.mu.Lock()
	st.m[[2]string{s.Group, s.Stream}] = s
	st.dirty = true
	st.mu.Unlock()
}

func (st *states) remove(group, stream string) {
	st.mu.Lock()
	if _, ok := st.m[[2]string{group, stream}]; ok {
		delete(st.m, [2]string{group, stream})
		st.dirty = true
	}
	st.mu.Unlock()
}

func (st *states) snapshot() []StreamState {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := make([]StreamState, 0, len(st.m))
	for _, s := range st.m {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Group != out[j].Group {
			return out[i].Group < out[j].Group
		}
		return out[i].Stream < out[j].Stream
	})
	return out
}

// sync writes the states if they changed: a temporary file, fsync, rename
// over the old one, fsync of the directory.
// It is called from Run (a stream deleted) and from the pipeline's
// acknowledgements at once; wmu makes the writes one at a time, so the
// file renamed into place last holds the newest snapshot.
func (st *states) sync() error {
	if st.path == "" {
		return nil
	}
	st.wmu.Lock()
	defer st.wmu.Unlock()
	st.mu.Lock()
	if !st.dirty {
		st.mu.Unlock()
		return nil
	}
	st.dirty = false
	st.mu.Unlock()
	err := statefile.Save("cloudwatch", st.path, sourceCheckpoint{Version: checkpointVersion, Streams: st.snapshot()})
	if err != nil {
		st.mu.Lock()
		st.dirty = true
		st.mu.Unlock()
	}
	return err
}
