package logging

import (
	"time"
)

// Event is one log record on its way from a source to the sinks.
type Event struct {
	// Time is when the record was written: parsed from the line when the
	// source knows the format, otherwise when it was read.
	Time time.Time
	// Message is the record's text without a trailing newline. Sources may
	// hand out slices of a shared read buffer: sinks must not modify it
	// and must copy it if they keep it after Write returns.
	Message []byte
	// Stream names the destination stream within a sink (a CloudWatch log
	// stream, a suffix of a bulk index); empty means the sink's default.
	Stream string
	// Source names where the record came from (a file path, a container
	// name, an exchange), for people.
	Source string
	// Origin identifies the source's byte stream durably (a file's content
	// fingerprint, a container ID). With Offset it gives a record a
	// deterministic identity, so a sink that deduplicates (bulk's _id) does
	// not store a retried record twice.
	Origin string
	// Offset is the position just past this record in Origin, passed to
	// Acker once the record is acknowledged.
	Offset int64
	// Fields are extra key/value pairs (container labels, severity, ...).
	Fields map[string]string
	// Acker, when set, is told Offset after every sink acknowledged the
	// event (or the pipeline dropped it under its overflow policy).
	Acker Acker

	enqueued time.Time
}

// Size is the number of message bytes, the unit buffers and batches count.
func (e *Event) Size() int { return len(e.Message) }

// Acker receives acknowledged offsets from a pipeline, in the order the
// events were emitted for one Acker. Ack is called from the pipeline's
// sender goroutine and must not block for long.
type Acker interface {
	Ack(offset int64)
}

// Syncer is an optional upgrade of Acker: after a batch is acknowledged
// the pipeline calls Sync once on every Syncer among the batch's Ackers, so
// a source can persist its checkpoint durably before the next batch is sent.
// A Sync error is reported through Options.OnError and counted; it does not
// stop the pipeline.
type Syncer interface {
	Sync() error
}
