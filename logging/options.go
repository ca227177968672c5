package logging

import (
	"fmt"
	"time"
)

// Options configures a Pipeline. Zero values take the documented defaults.
type Options struct {
	// BufferEvents and BufferBytes bound the buffer between sources and
	// sinks (defaults 65,536 events and 64 MiB of message bytes).
	BufferEvents, BufferBytes int
	// Policy is what a full buffer does (default Block).
	Policy Policy
	// BatchEvents and BatchBytes bound one Write (defaults 10,000 events
	// and 4 MiB); a sink splits a batch further when its backend needs it.
	BatchEvents, BatchBytes int
	// Linger is how long to wait for a batch to fill once an event is
	// buffered (default 200 ms; negative sends immediately).
	Linger time.Duration
	// Backoff spaces retries of a failed Write (zero fields take
	// DefaultBackoff's). Retries go on until Close's deadline: nothing is
	// dropped on error.
	Backoff Backoff
	// OnError, when set, is told about every failed Write and Sync. It is
	// called from the sender goroutine.
	OnError func(sink int, err error)
}

func (o *Options) fill() error {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.BufferEvents, 65536)
	def(&o.BufferBytes, 64<<20)
	def(&o.BatchEvents, 10000)
	def(&o.BatchBytes, 4<<20)
	if o.Linger == 0 {
		o.Linger = 200 * time.Millisecond
	}
	if o.Backoff.Initial < 0 || o.Backoff.Max < 0 {
		return &InvalidError{Input: "Options", Field: "Backoff", Reason: "negative delay"}
	}
	o.Backoff = o.Backoff.WithDefaults(DefaultBackoff)
	for _, c := range []struct {
		name string
		v    int
	}{{"BufferEvents", o.BufferEvents}, {"BufferBytes", o.BufferBytes}, {"BatchEvents", o.BatchEvents}, {"BatchBytes", o.BatchBytes}} {
		if c.v < 0 {
			return &InvalidError{Input: "Options", Field: c.name, Reason: fmt.Sprintf("%d; must not be negative", c.v)}
		}
	}
	if o.Policy != Block && o.Policy != DropOldest {
		return &InvalidError{Input: "Options", Field: "Policy", Reason: fmt.Sprintf("unknown policy %d", o.Policy)}
	}
	return nil
}

// Policy says what a full buffer does with a new event.
type Policy int

const (
	// Block makes Emit wait until the sinks made room: nothing is lost and
	// the source pauses (a file source simply stops reading).
	Block Policy = iota
	// DropOldest makes room by discarding the oldest buffered events,
	// counted in Metrics.Dropped under ReasonOverflow. Emit never waits.
	DropOldest
)

// String returns "block", "drop-oldest" or "unknown".
func (p Policy) String() string {
	switch p {
	case Block:
		return "block"
	case DropOldest:
		return "drop-oldest"
	}
	return "unknown"
}
