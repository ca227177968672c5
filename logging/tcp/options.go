package tcp

import (
	"time"
)

// Framing selects the line format.
type Framing int

const (
	// Lines writes each message followed by "\n".
	Lines Framing = iota
	// JSON writes {"timestamp":RFC3339Nano,"host":...,"file":...,"message":...}
	// followed by "\n".
	JSON
)

// Options configures a Sink.
type Options struct {
	// Addr is host:port of the receiver.
	Addr string
	// Framing is Lines (default) or JSON.
	Framing Framing
	// Host is the "host" field of JSON framing (default os.Hostname()).
	Host string
	// DialTimeout and WriteTimeout bound a dial and a batch write
	// (defaults 5 s and 30 s).
	DialTimeout, WriteTimeout time.Duration
	// BufferBytes is the socket write buffer (default 1 MiB).
	BufferBytes int
	// NoWaitDelivered acknowledges a batch as soon as it is written to the
	// socket. By default (on Linux) Write waits until the peer's TCP stack
	// acknowledged every byte (the send queue is empty), so a shipper
	// killed right after acknowledging cannot lose what the kernel still
	// held: a dead process's unsent data is dropped if the kernel aborts
	// the orphaned connection.
	NoWaitDelivered bool
}
