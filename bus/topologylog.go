package bus

import "sync"

// topologyLog remembers what was applied through a Conn, for recovery.
type topologyLog struct {
	mu      sync.Mutex
	applied []Topology
}

func (l *topologyLog) add(t Topology) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.applied = append(l.applied, t)
}

func (l *topologyLog) forget(pred func(Topology) Topology) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, t := range l.applied {
		l.applied[i] = pred(t)
	}
}

func (l *topologyLog) all() []Topology {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Topology(nil), l.applied...)
}
