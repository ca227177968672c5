package loggingfake

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

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

// NewSink returns an empty sink.
func NewSink(opts Options) *Sink {
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
			return logging.Result{}, fmt.Errorf("%w (request %d of stream %q)", err, i, r.Stream)
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

// Close implements logging.Sink; later Writes fail with logging.ErrClosed.
func (s *Sink) Close(context.Context) error {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	return nil
}
