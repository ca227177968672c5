package loggingfake

import (
	"sort"
)

// Events returns a copy of what stream holds, in stored order.
func (s *Sink) Events(stream string) []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Record(nil), s.streams[stream]...)
}

// All returns every stored record, stream by stream in name order.
func (s *Sink) All() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Record
	for _, name := range s.streamNamesLocked() {
		out = append(out, s.streams[name]...)
	}
	return out
}

// Streams returns the stream names, sorted.
func (s *Sink) Streams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streamNamesLocked()
}

func (s *Sink) streamNamesLocked() []string {
	names := make([]string, 0, len(s.streams))
	for k := range s.streams {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// Requests is the number of requests stored so far; Writes the number of
// Write calls, failed ones included.
func (s *Sink) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Writes is the number of Write calls, failed ones included.
func (s *Sink) Writes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes
}
