package logging

import (
	"sort"
	"time"
	"unicode/utf8"
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

// Packed is one request's worth of events.
type Packed struct {
	Stream string
	Events []PackedEvent
	Bytes  int // counted as the backend counts them
}

// PackedEvent is an event (or a piece of a split one) in a request.
type PackedEvent struct {
	Time    time.Time
	Message []byte
	// Index is the event's position in the batch it came from.
	Index int
}

// Pack turns a batch into the fewest requests the limits allow, per
// stream, keeping each stream's events in chronological order (stable, so
// equal times keep their batch order). Events the limits forbid are
// returned as rejections and appear in no request. Invalid UTF-8 is
// replaced by U+FFFD, one per invalid byte as JSON encoders do, before
// anything is measured: every sink stores the same text.
func Pack(batch []Event, lim Limits, now time.Time) ([]Packed, []Rejection) {
	var rejected []Rejection
	byStream := map[string][]PackedEvent{}
	var order []string
	maxMsg := 0
	if lim.MaxEventBytes > 0 {
		maxMsg = lim.MaxEventBytes - lim.PerEventOverhead
	}
	for i := range batch {
		ev := &batch[i]
		msg := validUTF8(ev.Message)
		if reason := lim.refuse(ev, msg, now); reason != "" {
			rejected = append(rejected, Rejection{Index: i, Reason: reason})
			continue
		}
		if maxMsg > 0 && len(msg) > maxMsg && lim.Oversize == Reject {
			rejected = append(rejected, Rejection{Index: i, Reason: ReasonTooLarge})
			continue
		}
		if _, ok := byStream[ev.Stream]; !ok {
			order = append(order, ev.Stream)
		}
		if maxMsg > 0 && len(msg) > maxMsg {
			switch lim.Oversize {
			case Truncate:
				cut := utf8Cut(msg, maxMsg-len(TruncateSuffix))
				m := make([]byte, 0, cut+len(TruncateSuffix))
				m = append(append(m, msg[:cut]...), TruncateSuffix...)
				byStream[ev.Stream] = append(byStream[ev.Stream], PackedEvent{ev.Time, m, i})
			default:
				for _, part := range SplitMessage(msg, maxMsg) {
					byStream[ev.Stream] = append(byStream[ev.Stream], PackedEvent{ev.Time, part, i})
				}
			}
			continue
		}
		if len(msg) == 0 {
			msg = []byte{}
		}
		byStream[ev.Stream] = append(byStream[ev.Stream], PackedEvent{ev.Time, msg, i})
	}
	var out []Packed
	for _, stream := range order {
		evs := byStream[stream]
		if lim.Chronological {
			sort.SliceStable(evs, func(a, b int) bool { return evs[a].Time.Before(evs[b].Time) })
		}
		cur := Packed{Stream: stream}
		for _, pe := range evs {
			size := len(pe.Message) + lim.PerEventOverhead
			if len(cur.Events) > 0 && ((lim.MaxBatchBytes > 0 && cur.Bytes+size > lim.MaxBatchBytes) ||
				(lim.MaxBatchEvents > 0 && len(cur.Events) >= lim.MaxBatchEvents) ||
				(lim.MaxSpan > 0 && pe.Time.Sub(cur.Events[0].Time) > lim.MaxSpan)) {
				out = append(out, cur)
				cur = Packed{Stream: stream}
			}
			cur.Events = append(cur.Events, pe)
			cur.Bytes += size
		}
		if len(cur.Events) > 0 {
			out = append(out, cur)
		}
	}
	return out, rejected
}

// refuse returns why ev (with its message msg) may never be stored, or "".
func (lim *Limits) refuse(ev *Event, msg []byte, now time.Time) string {
	switch {
	case lim.StreamRequired && ev.Stream == "":
		return ReasonInvalid
	case lim.NoEmpty && len(msg) == 0:
		return ReasonEmpty
	case lim.MaxAge > 0 && now.Sub(ev.Time) > lim.MaxAge:
		return ReasonTooOld
	case lim.MaxFuture > 0 && ev.Time.Sub(now) > lim.MaxFuture:
		return ReasonTooNew
	}
	return ""
}

// validUTF8 returns msg with every byte that is not part of a valid UTF-8
// sequence replaced by U+FFFD (msg itself when it is valid).
func validUTF8(msg []byte) []byte {
	if utf8.Valid(msg) {
		return msg
	}
	out := make([]byte, 0, len(msg)+8)
	for len(msg) > 0 {
		r, size := utf8.DecodeRune(msg)
		if r == utf8.RuneError && size == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
		} else {
			out = append(out, msg[:size]...)
		}
		msg = msg[size:]
	}
	return out
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

// SplitMessage cuts msg into pieces of at most max bytes without cutting
// a UTF-8 sequence.
func SplitMessage(msg []byte, max int) [][]byte {
	var parts [][]byte
	for len(msg) > max {
		cut := utf8Cut(msg, max)
		parts = append(parts, msg[:cut])
		msg = msg[cut:]
	}
	return append(parts, msg)
}

// utf8Cut returns the largest n <= max such that msg[:n] ends on a rune
// boundary (n >= 1 if max >= 1).
func utf8Cut(msg []byte, max int) int {
	if max >= len(msg) {
		return len(msg)
	}
	n := max
	for n > 0 && n > max-utf8.UTFMax && !utf8.RuneStart(msg[n]) {
		n--
	}
	if n == 0 {
		return max
	}
	return n
}
