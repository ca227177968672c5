package amqpdriver

import (
	"net"
	"sync"
)

// socket is the TCP connection under one amqp091-go connection. Closing it
// is the only way to unblock a write to a node that stopped reading: a
// frozen node keeps its TCP connections open, and once the kernel buffers
// are full every write waits for it.
type socket struct {
	mu     sync.Mutex
	c      net.Conn
	closed bool
}

func (s *socket) set(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = c.Close()
		return
	}
	s.c = c
}

// reset closes the socket with a TCP reset (SO_LINGER 0), discarding what
// the kernel still holds to send: a node that stopped reading does not get a
// backlog of stale frames when it resumes. amqp091-go then sees the
// connection fail.
func (s *socket) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.c == nil {
		return
	}
	if tc, ok := s.c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = s.c.Close()
}
