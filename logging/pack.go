package logging

import (
	"sort"
	"time"
	"unicode/utf8"
)

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
