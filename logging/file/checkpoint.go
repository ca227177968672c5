package file

import (
	"sort"
	"sync"

	"github.com/opskit-dev/opskit/logging/internal/statefile"
)

// checkpointVersion is the on-disk format version.
const checkpointVersion = 1

// FileState is one file's durable position.
type FileState struct {
	// ID is the file's stable identity (its first fingerprint), used as
	// Event.Origin.
	ID string `json:"id"`
	// Fingerprint is the SHA-256 of the first FingerprintLen bytes, hex.
	Fingerprint    string `json:"fp"`
	FingerprintLen int    `json:"fp_len"`
	// Path, Inode and Device are where the file was last seen (hints).
	Path   string `json:"path"`
	Inode  uint64 `json:"ino"`
	Device uint64 `json:"dev"`
	// Offset is the first byte not yet acknowledged by every sink.
	Offset int64 `json:"offset"`
	// Done is set once a rotated-away file was read and acknowledged to
	// its end.
	Done bool `json:"done,omitempty"`
}

type checkpointFile struct {
	Version int         `json:"version"`
	Files   []FileState `json:"files"`
}

// store keeps file states and persists them atomically: write a temporary
// file, fsync it, rename it over the old one, fsync the directory.
type store struct {
	path  string
	mu    sync.Mutex
	files map[string]*FileState // by ID
	dirty bool
}

func loadStore(path string) (*store, error) {
	s := &store{path: path, files: map[string]*FileState{}}
	if path == "" {
		return s, nil
	}
	var cf checkpointFile
	if _, err := statefile.Load("file", path, checkpointVersion, &cf); err != nil {
		return nil, err
	}
	for i := range cf.Files {
		st := cf.Files[i]
		s.files[st.ID] = &st
	}
	return s, nil
}

func (s *store) setOffset(id string, off int64) {
	s.mu.Lock()
	if st := s.files[id]; st != nil && off > st.Offset {
		st.Offset = off
		s.dirty = true
	}
	s.mu.Unlock()
}

func (s *store) update(st FileState) {
	s.mu.Lock()
	cp := st
	s.files[st.ID] = &cp
	s.dirty = true
	s.mu.Unlock()
}

func (s *store) remove(id string) {
	s.mu.Lock()
	if _, ok := s.files[id]; ok {
		delete(s.files, id)
		s.dirty = true
	}
	s.mu.Unlock()
}

func (s *store) snapshot() []FileState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]FileState, 0, len(s.files))
	for _, st := range s.files {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// sync writes the states if they changed since the last write.
func (s *store) sync() error {
	if s.path == "" {
		return nil
	}
	s.mu.Lock()
	if !s.dirty {
		s.mu.Unlock()
		return nil
	}
	cf := checkpointFile{Version: checkpointVersion}
	for _, st := range s.files {
		cf.Files = append(cf.Files, *st)
	}
	s.dirty = false
	s.mu.Unlock()
	sort.Slice(cf.Files, func(i, j int) bool { return cf.Files[i].ID < cf.Files[j].ID })
	if err := statefile.Save("file", s.path, cf); err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
		return err
	}
	return nil
}
