package database

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
)

// member is one Node in a Router, with the router's view of it.
type member struct {
	node Node
	q    Querier
	name string

	mu    sync.Mutex
	st    NodeStatus
	addrs []string // last resolved addresses of a pgNode's host

	// live is cancelled when the node is marked down, which abandons the
	// read attempts running on it; abandon installs a fresh one.
	live atomic.Pointer[liveness]
	// rywStalled is 1 + the replay LSN a session's read-your-writes wait
	// saw when it ran out on this node, 0 when none did; until a probe
	// shows replay past it, session reads skip the wait.
	rywStalled atomic.Uint64
}

func newMember(n Node) *member {
	m := &member{node: n, q: n.Querier(), name: n.Name()}
	m.st.Node = m.name
	m.live.Store(newLiveness())
	return m
}

type liveness struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
}

func newLiveness() *liveness {
	ctx, cancel := context.WithCancelCause(context.Background())
	return &liveness{ctx: ctx, cancel: cancel}
}

// abandon cancels every read attempt running on m with cause.
func (m *member) abandon(cause error) {
	m.live.Swap(newLiveness()).cancel(cause)
}

func (m *member) status() NodeStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.st
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}
