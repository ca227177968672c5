package logging

import (
	"time"
)

// Oversize says what a sink does with an event larger than its limit.
type Oversize int

const (
	// Split cuts an oversized message into several events at UTF-8
	// boundaries, each within the limit (what the awslogs driver does).
	Split Oversize = iota
	// Truncate keeps the first part and appends TruncateSuffix (what the
	// CloudWatch agent does).
	Truncate
	// Reject drops the event with ReasonTooLarge.
	Reject
)

// TruncateSuffix marks a truncated message, as the CloudWatch agent does.
const TruncateSuffix = "[Truncated...]"

// Limits are a backend's batch rules. The zero value of a field means no
// limit of that kind.
type Limits struct {
	// MaxBatchBytes bounds a request: the sum of message bytes plus
	// PerEventOverhead for each event.
	MaxBatchBytes, PerEventOverhead int
	// MaxBatchEvents bounds the events per request.
	MaxBatchEvents int
	// MaxEventBytes bounds one message (plus PerEventOverhead); larger
	// events are handled per Oversize.
	MaxEventBytes int
	Oversize      Oversize
	// MaxSpan bounds the time between the first and last event of a
	// request; requests are also sorted chronologically when Chronological.
	MaxSpan       time.Duration
	Chronological bool
	// MaxAge and MaxFuture reject events older or newer than now by more
	// than that (ReasonTooOld, ReasonTooNew).
	MaxAge, MaxFuture time.Duration
	// NoEmpty rejects events with an empty message (ReasonEmpty): the
	// backend refuses a request holding one.
	NoEmpty bool
	// StreamRequired rejects events without a Stream (ReasonInvalid): the
	// backend has no default to store them in. A sink configured with a
	// default stream clears it.
	StreamRequired bool
}

// CloudWatchLimits are the PutLogEvents rules; maxEvent is the event size
// limit including the 26-byte overhead (pass 0 for the default, 256 KiB).
//
// AWS's current API reference (InputLogEvent, PutLogEvents) and the doc
// comment of the SDK this module builds with allow an event of up to 1 MB;
// pass up to 1,048,576 (as cloudwatch.Options.MaxEventBytes) when lines
// between 256 KiB and 1 MB must stay whole. The default stays at 256 KiB:
// the limit AWS documented before, which some of its pages (the China
// Regions' PutLogEvents page, the SDK for .NET) still state, and the one
// the CloudWatch agent (max_event_size 262,144) and Docker's awslogs driver
// split at. It is accepted wherever either limit applies, lines are cut
// where AWS's own agents cut them, and no single event fills a 1,048,576
// byte request on its own.
//
// PutLogEvents refuses a whole request if one message is empty (minimum
// length 1) or the stream is not named, so the limits reject such events
// one by one (NoEmpty, StreamRequired) instead.
func CloudWatchLimits(maxEvent int) Limits {
	if maxEvent <= 0 {
		maxEvent = 256 << 10
	}
	return Limits{
		MaxBatchBytes: 1_048_576, PerEventOverhead: 26, MaxBatchEvents: 10_000,
		MaxEventBytes: maxEvent, MaxSpan: 24 * time.Hour, Chronological: true,
		MaxAge: 14 * 24 * time.Hour, MaxFuture: 2 * time.Hour,
		NoEmpty: true, StreamRequired: true,
	}
}

// MinRequests is the fewest requests any packing could use for the sizes
// given (events per stream already split), by events and by bytes; the
// figure packing efficiency is measured against.
func MinRequests(events, bytes int, lim Limits) int {
	n := 1
	if lim.MaxBatchEvents > 0 {
		n = max(n, (events+lim.MaxBatchEvents-1)/lim.MaxBatchEvents)
	}
	if lim.MaxBatchBytes > 0 {
		n = max(n, (bytes+lim.MaxBatchBytes-1)/lim.MaxBatchBytes)
	}
	return n
}
