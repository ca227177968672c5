// Package loggingfake is an in-memory log store that implements logging.Sink and
// enforces a backend's limits (CloudWatch Logs' PutLogEvents rules by
// default): it packs each Write into requests with logging.Pack, as the
// real sinks do, so events the limits forbid (too old, too new, empty, with
// no stream) are rejected with a reason and the rest stored as the
// CloudWatch sink would send them (oversized messages split or truncated,
// invalid UTF-8 replaced); it then checks every request independently and
// fails the whole Write, as PutLogEvents does, if one breaks a limit. It is
// meant for tests and local development, not for production; it passes the
// same loggingtest conformance suite as the real sinks.
//
// Hold a *Sink from New. Besides Write and Close it has controls for
// outage tests, Refuse (every Write fails until Refuse(nil)) and FailNext
// (the next n Writes fail), and readers for assertions: Events (one
// stream), All, Streams, Requests (requests stored) and Writes (Write
// calls, failed ones included).
//
// Limits: no network, latency or throttling (use Refuse and FailNext);
// events are never rejected after being stored (CloudWatch's
// rejectedLogEventsInfo is modelled by the same age checks before storing);
// no log groups, retention or stream creation; stored records never
// expire; Deduplicate models the bulk sink's _id, not a CloudWatch feature.
package loggingfake

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/opskit-dev/opskit/logging"
)

// Record is one stored event.
type Record struct {
	Time    time.Time
	Message string
	Stream  string
	Source  string
	Origin  string
	Offset  int64
	Fields  map[string]string
}

// Options configures a Sink.
type Options struct {
	// Limits are enforced on every request (default
	// logging.CloudWatchLimits(0)).
	Limits *logging.Limits
	// Deduplicate stores an event with the same Origin and Offset only
	// once, as the bulk sink does with its deterministic _id; every piece
	// of a split event is stored once.
	Deduplicate bool
	// Stream is the stream for events whose Stream is empty, as
	// cloudwatch.Options.Stream is. Without it such events are rejected
	// with logging.ReasonInvalid when the limits require a stream
	// (CloudWatch's do).
	Stream string
	// Now returns the current time for age checks (default time.Now).
	Now func() time.Time
}

// ErrLimitViolated is returned (wrapped) if a request breaks a limit; it
// means the packing is wrong and is never expected.
var ErrLimitViolated = errors.New("loggingfake: request violates limits")

// ErrRefused is what a refusing sink returns by default.
var ErrRefused = errors.New("loggingfake: sink refuses writes")

// Sink is the in-memory sink. Its methods are safe for concurrent use.
type Sink struct {
	mu       sync.Mutex
	lim      logging.Limits
	dedupe   bool
	stream   string
	now      func() time.Time
	streams  map[string][]Record
	seen     map[string]struct{}
	requests int
	writes   int
	refuse   error
	failNext int
	closed   bool
}

var _ logging.Sink = (*Sink)(nil)

// New returns an empty sink.
func New(opts Options) *Sink {
	s := &Sink{dedupe: opts.Deduplicate, stream: opts.Stream, now: opts.Now, streams: map[string][]Record{}, seen: map[string]struct{}{}}
	if opts.Limits != nil {
		s.lim = *opts.Limits
	} else {
		s.lim = logging.CloudWatchLimits(0)
	}
	if s.stream != "" {
		s.lim.StreamRequired = false
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// Limits returns the limits the sink enforces.
func (s *Sink) Limits() logging.Limits { return s.lim }

// Refuse makes every Write fail with err until Refuse(nil); a nil-able
// switch for outage tests. Refuse(ErrRefused) is the usual call.
func (s *Sink) Refuse(err error) {
	s.mu.Lock()
	s.refuse = err
	s.mu.Unlock()
}

// FailNext makes the next n Writes fail with ErrRefused.
func (s *Sink) FailNext(n int) {
	s.mu.Lock()
	s.failNext = n
	s.mu.Unlock()
}

// Write implements logging.Sink.
func (s *Sink) Write(ctx context.Context, batch []logging.Event) (logging.Result, error) {
	if err := ctx.Err(); err != nil {
		return logging.Result{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return logging.Result{}, logging.ErrClosed
	}
	s.writes++
	if s.refuse != nil {
		return logging.Result{}, s.refuse
	}
	if s.failNext > 0 {
		s.failNext--
		return logging.Result{}, ErrRefused
	}
	reqs, rejected := logging.Pack(batch, s.lim, s.now())
	for i, r := range reqs {
		if err := check(r, s.lim); err != nil {
			return logging.Result{}, fmt.Errorf("request %d of stream %q: %w", i, r.Stream, err)
		}
	}
	pieces := map[int]int{} // pieces of each batch event stored so far
	for _, r := range reqs {
		s.requests++
		stream := r.Stream
		if stream == "" {
			stream = s.stream
		}
		for _, pe := range r.Events {
			ev := &batch[pe.Index]
			piece := pieces[pe.Index]
			pieces[pe.Index]++
			if s.dedupe && ev.Origin != "" {
				key := fmt.Sprintf("%s\x00%d\x00%d", ev.Origin, ev.Offset, piece)
				if _, dup := s.seen[key]; dup {
					continue
				}
				s.seen[key] = struct{}{}
			}
			var fields map[string]string
			if len(ev.Fields) > 0 {
				fields = make(map[string]string, len(ev.Fields))
				for k, v := range ev.Fields {
					fields[k] = v
				}
			}
			s.streams[stream] = append(s.streams[stream], Record{
				Time: pe.Time, Message: string(pe.Message), Stream: stream,
				Source: ev.Source, Origin: ev.Origin, Offset: ev.Offset, Fields: fields,
			})
		}
	}
	return logging.Result{Rejected: rejected, Requests: len(reqs)}, nil
}

// check verifies one request against the limits, independently of Pack,
// as the backend would: one bad event fails the whole request.
func check(r logging.Packed, lim logging.Limits) error {
	if lim.StreamRequired && r.Stream == "" {
		return fmt.Errorf("%w: no stream named", ErrLimitViolated)
	}
	bytes := 0
	for i, pe := range r.Events {
		if lim.NoEmpty && len(pe.Message) == 0 {
			return fmt.Errorf("%w: event %d has an empty message (minimum length 1)", ErrLimitViolated, i)
		}
		if !utf8.Valid(pe.Message) {
			return fmt.Errorf("%w: event %d is not valid UTF-8", ErrLimitViolated, i)
		}
		size := len(pe.Message) + lim.PerEventOverhead
		if lim.MaxEventBytes > 0 && size > lim.MaxEventBytes {
			return fmt.Errorf("%w: event %d is %d bytes, limit %d", ErrLimitViolated, i, size, lim.MaxEventBytes)
		}
		bytes += size
		if lim.Chronological && i > 0 && pe.Time.Before(r.Events[i-1].Time) {
			return fmt.Errorf("%w: event %d is out of chronological order", ErrLimitViolated, i)
		}
	}
	if lim.MaxBatchBytes > 0 && bytes > lim.MaxBatchBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrLimitViolated, bytes, lim.MaxBatchBytes)
	}
	if lim.MaxBatchEvents > 0 && len(r.Events) > lim.MaxBatchEvents {
		return fmt.Errorf("%w: %d events, limit %d", ErrLimitViolated, len(r.Events), lim.MaxBatchEvents)
	}
	if lim.MaxSpan > 0 && len(r.Events) > 1 {
		first, last := r.Events[0].Time, r.Events[0].Time
		for _, pe := range r.Events {
			if pe.Time.Before(first) {
				first = pe.Time
			}
			if pe.Time.After(last) {
				last = pe.Time
			}
		}
		if last.Sub(first) > lim.MaxSpan {
			return fmt.Errorf("%w: span %v, limit %v", ErrLimitViolated, last.Sub(first), lim.MaxSpan)
		}
	}
	return nil
}

// Close implements logging.Sink; later Writes fail with logging.ErrClosed.
func (s *Sink) Close(context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}

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
