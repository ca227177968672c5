package cloudwatch

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/opskit-dev/opskit/logging"
)

// Sink ships events to one log group.
type Sink struct {
	api     API
	opts    Options
	lim     logging.Limits
	mu      sync.Mutex
	streams map[string]bool
	group   bool
	closed  bool
}

var _ logging.Sink = (*Sink)(nil)

// NewSink validates opts.
func NewSink(api API, opts Options) (*Sink, error) {
	if api == nil {
		return nil, &logging.InvalidError{Input: "cloudwatch.NewSink", Field: "api", Reason: "a CloudWatch Logs client is required"}
	}
	if opts.Group == "" || len(opts.Group) > 512 {
		return nil, &logging.InvalidError{Input: "cloudwatch.Options", Field: "Group", Reason: fmt.Sprintf("%d characters; must be 1 to 512", len(opts.Group))}
	}
	if opts.RetentionDays != 0 && !validRetention[opts.RetentionDays] {
		return nil, &logging.InvalidError{Input: "cloudwatch.Options", Field: "RetentionDays", Reason: fmt.Sprintf("%d is not a retention CloudWatch accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)", opts.RetentionDays)}
	}
	if opts.MaxEventBytes == 0 {
		opts.MaxEventBytes = 256 << 10
	}
	if opts.MaxEventBytes < 64 || opts.MaxEventBytes > 1<<20 {
		return nil, &logging.InvalidError{Input: "cloudwatch.Options", Field: "MaxEventBytes", Reason: fmt.Sprintf("%d; must be between 64 and 1,048,576", opts.MaxEventBytes)}
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 4
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = 8
	}
	if opts.Backoff.Initial < 0 || opts.Backoff.Max < 0 {
		return nil, &logging.InvalidError{Input: "cloudwatch.Options", Field: "Backoff", Reason: "negative delay"}
	}
	opts.Backoff = opts.Backoff.WithDefaults(logging.DefaultBackoff)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	lim := logging.CloudWatchLimits(opts.MaxEventBytes)
	lim.Oversize = opts.Oversize
	lim.StreamRequired = opts.Stream == ""
	return &Sink{api: api, opts: opts, lim: lim, streams: map[string]bool{}}, nil
}

// Limits returns the limits the sink packs requests by.
func (s *Sink) Limits() logging.Limits { return s.lim }

// Write implements logging.Sink.
func (s *Sink) Write(ctx context.Context, batch []logging.Event) (logging.Result, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return logging.Result{}, logging.ErrClosed
	}
	// Pack sends invalid UTF-8 as U+FFFD (3 bytes, as CloudWatch counts
	// it) and rejects, one by one, the events PutLogEvents would refuse
	// the whole request for: an empty message, no stream and no default.
	reqs, rejected := logging.Pack(batch, s.lim, s.opts.Now())
	res := logging.Result{Rejected: rejected, Requests: len(reqs)}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		sem   = make(chan struct{}, s.opts.Parallel)
	)
	// Streams in parallel; one stream's requests in order, so events with
	// equal timestamps keep their order.
	var order []string
	byStream := map[string][]*logging.Packed{}
	for i := range reqs {
		r := &reqs[i]
		if r.Stream == "" {
			r.Stream = s.opts.Stream
		}
		if _, ok := byStream[r.Stream]; !ok {
			order = append(order, r.Stream)
		}
		byStream[r.Stream] = append(byStream[r.Stream], r)
	}
	for _, stream := range order {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, r := range byStream[stream] {
				rj, err := s.put(ctx, r)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				res.Rejected = append(res.Rejected, rj...)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		return logging.Result{}, first
	}
	return res, nil
}

// put sends one request, creating the stream and retrying throttling.
func (s *Sink) put(ctx context.Context, r *logging.Packed) ([]logging.Rejection, error) {
	in := &cwl.PutLogEventsInput{LogGroupName: aws.String(s.opts.Group), LogStreamName: aws.String(r.Stream),
		LogEvents: make([]types.InputLogEvent, len(r.Events))}
	for i, pe := range r.Events {
		in.LogEvents[i] = types.InputLogEvent{Message: aws.String(string(pe.Message)), Timestamp: aws.Int64(pe.Time.UnixMilli())}
	}
	if err := s.ensure(ctx, r.Stream); err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		out, err := s.api.PutLogEvents(ctx, in)
		if err == nil {
			return rejections(out.RejectedLogEventsInfo, r), nil
		}
		code := errorCode(err)
		switch {
		case code == "ResourceNotFoundException" && !s.opts.NoCreate && attempt == 1:
			s.forget(r.Stream)
			if err := s.ensure(ctx, r.Stream); err != nil {
				return nil, err
			}
			continue
		case retryable(code) && attempt < s.opts.MaxAttempts:
			t := time.NewTimer(s.opts.Backoff.Delay(attempt - 1))
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			case <-t.C:
			}
			continue
		}
		return nil, &Error{Op: "PutLogEvents", Group: s.opts.Group, Stream: r.Stream, Err: err}
	}
}

func rejections(info *types.RejectedLogEventsInfo, r *logging.Packed) []logging.Rejection {
	if info == nil {
		return nil
	}
	var out []logging.Rejection
	seen := map[int]bool{}
	add := func(i int, reason string) {
		if i >= 0 && i < len(r.Events) && !seen[r.Events[i].Index] {
			seen[r.Events[i].Index] = true
			out = append(out, logging.Rejection{Index: r.Events[i].Index, Reason: reason})
		}
	}
	if info.TooOldLogEventEndIndex != nil {
		for i := 0; i < int(*info.TooOldLogEventEndIndex); i++ {
			add(i, logging.ReasonTooOld)
		}
	}
	if info.ExpiredLogEventEndIndex != nil {
		for i := 0; i < int(*info.ExpiredLogEventEndIndex); i++ {
			add(i, logging.ReasonExpired)
		}
	}
	if info.TooNewLogEventStartIndex != nil {
		for i := int(*info.TooNewLogEventStartIndex); i < len(r.Events); i++ {
			add(i, logging.ReasonTooNew)
		}
	}
	return out
}

func (s *Sink) forget(stream string) {
	s.mu.Lock()
	delete(s.streams, stream)
	s.group = false
	s.mu.Unlock()
}

// ensure creates the group (with retention) and the stream once.
func (s *Sink) ensure(ctx context.Context, stream string) error {
	if s.opts.NoCreate {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.group {
		_, err := s.api.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(s.opts.Group)})
		if err != nil && errorCode(err) != "ResourceAlreadyExistsException" {
			return &Error{Op: "CreateLogGroup", Group: s.opts.Group, Err: err}
		}
		if err == nil && s.opts.RetentionDays > 0 {
			if _, err := s.api.PutRetentionPolicy(ctx, &cwl.PutRetentionPolicyInput{LogGroupName: aws.String(s.opts.Group),
				RetentionInDays: aws.Int32(s.opts.RetentionDays)}); err != nil {
				return &Error{Op: "PutRetentionPolicy", Group: s.opts.Group, Err: err}
			}
		}
		s.group = true
	}
	if !s.streams[stream] {
		_, err := s.api.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(s.opts.Group), LogStreamName: aws.String(stream)})
		if err != nil && errorCode(err) != "ResourceAlreadyExistsException" {
			return &Error{Op: "CreateLogStream", Group: s.opts.Group, Stream: stream, Err: err}
		}
		s.streams[stream] = true
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
