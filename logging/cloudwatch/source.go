package cloudwatch

import (
	"context"
	"errors"
	"sort"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/opskit-dev/opskit/logging"
)

// SourceStats counts what a Source did.
type SourceStats struct {
	// GetLogEvents and DescribeLogStreams count calls that succeeded;
	// Throttled counts calls refused by throttling (and retried).
	GetLogEvents, DescribeLogStreams, Throttled int64
	// Events read and Streams followed.
	Events, Streams int64
}

// Source follows CloudWatch Logs groups: it reads every stream with
// GetLogEvents, pages forward, finds new streams with DescribeLogStreams
// while it runs, and keeps a checkpoint per stream. Create it with
// NewSource; Run it once.
type Source struct {
	api     SourceAPI
	opts    SourceOptions
	states  *states
	readers map[[2]string]*streamReader
	stats   struct{ gets, describes, throttled, events, streams atomic.Int64 }
}

var _ logging.Source = (*Source)(nil)

// NewSource validates opts and loads the checkpoint.
func NewSource(api SourceAPI, opts SourceOptions) (*Source, error) {
	if api == nil {
		return nil, &logging.InvalidError{Input: "cloudwatch.NewSource", Field: "api", Reason: "a CloudWatch Logs client is required"}
	}
	if err := opts.fill(); err != nil {
		return nil, err
	}
	st, err := loadStates(opts.Checkpoint)
	if err != nil {
		return nil, err
	}
	return &Source{api: api, opts: opts, states: st, readers: map[[2]string]*streamReader{}}, nil
}

// Stats returns the counters.
func (s *Source) Stats() SourceStats {
	return SourceStats{GetLogEvents: s.stats.gets.Load(), DescribeLogStreams: s.stats.describes.Load(),
		Throttled: s.stats.throttled.Load(), Events: s.stats.events.Load(), Streams: s.stats.streams.Load()}
}

// Streams returns the checkpointed state of every stream read so far.
func (s *Source) Streams() []StreamState { return s.states.snapshot() }

// Run reads until ctx is done and returns ctx.Err() then, or the first
// error that is not throttling.
func (s *Source) Run(ctx context.Context, out logging.Emitter) error {
	var nextDiscover time.Time
	for {
		if !time.Now().Before(nextDiscover) {
			if err := s.discover(ctx); err != nil {
				return err
			}
			nextDiscover = time.Now().Add(s.opts.Discover)
		}
		wake := nextDiscover
		for _, r := range s.sorted() {
			if time.Now().Before(r.nextPoll) {
				if r.nextPoll.Before(wake) {
					wake = r.nextPoll
				}
				continue
			}
			n, full, err := s.readPage(ctx, r, out)
			if errorCode(err) == "ResourceNotFoundException" {
				// The stream (or its group) was deleted: stop reading it.
				// Discovery finds it again if it is created anew.
				delete(s.readers, [2]string{r.group, r.stream})
				s.stats.streams.Add(-1)
				if r.idle() {
					s.states.remove(r.group, r.stream) // nothing left to acknowledge
					_ = s.states.sync()                // retried at the next acknowledged batch if it fails
				}
				continue
			}
			if err != nil {
				return err
			}
			switch {
			case full:
				wake = time.Now()
				continue
			case n > 0 || r.interval == 0:
				r.interval = s.opts.Poll
			default: // idle: read it less and less often
				r.interval = min(2*r.interval, s.opts.MaxPoll)
			}
			r.nextPoll = time.Now().Add(r.interval)
			if r.nextPoll.Before(wake) {
				wake = r.nextPoll
			}
		}
		t := time.NewTimer(time.Until(wake))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (s *Source) sorted() []*streamReader {
	rs := make([]*streamReader, 0, len(s.readers))
	for _, r := range s.readers {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool {
		if rs[i].group != rs[j].group {
			return rs[i].group < rs[j].group
		}
		return rs[i].stream < rs[j].stream
	})
	return rs
}

// discover lists the followed groups' streams and starts reading new ones
// from their checkpoint, or from the head (StartTime).
func (s *Source) discover(ctx context.Context) error {
	for _, f := range s.opts.Follow {
		in := &cwl.DescribeLogStreamsInput{LogGroupName: aws.String(f.Group)}
		if f.StreamPrefix != "" {
			in.LogStreamNamePrefix = aws.String(f.StreamPrefix)
		}
		for {
			var page *cwl.DescribeLogStreamsOutput
			err := s.call(ctx, func() (err error) {
				page, err = s.api.DescribeLogStreams(ctx, in)
				return err
			})
			if errorCode(err) == "ResourceNotFoundException" {
				break // the group may be created later
			}
			if err != nil {
				return &Error{Op: "DescribeLogStreams", Group: f.Group, Err: err}
			}
			s.stats.describes.Add(1)
			for _, ls := range page.LogStreams {
				s.add(f.Group, aws.ToString(ls.LogStreamName))
			}
			if page.NextToken == nil || aws.ToString(page.NextToken) == aws.ToString(in.NextToken) {
				break
			}
			in.NextToken = page.NextToken
		}
	}
	return nil
}

func (s *Source) add(group, stream string) {
	key := [2]string{group, stream}
	if _, ok := s.readers[key]; ok || stream == "" {
		return
	}
	r := &streamReader{src: s, group: group, stream: stream, origin: "cloudwatch:" + group + ":" + stream}
	if st, ok := s.states.get(group, stream); ok {
		r.token, r.skip, r.count = st.Token, st.Skip, st.Count
	}
	s.readers[key] = r
	s.stats.streams.Add(1)
}

// readPage reads and emits one page of r: n events emitted; full reports
// a full page (more is probably waiting).
func (s *Source) readPage(ctx context.Context, r *streamReader, out logging.Emitter) (n int, full bool, err error) {
	in := &cwl.GetLogEventsInput{LogGroupName: aws.String(r.group), LogStreamName: aws.String(r.stream),
		StartFromHead: aws.Bool(true), Limit: aws.Int32(int32(s.opts.PageSize))}
	if r.token != "" {
		in.NextToken = aws.String(r.token)
	} else if !s.opts.StartTime.IsZero() {
		in.StartTime = aws.Int64(s.opts.StartTime.UnixMilli())
	}
	var page *cwl.GetLogEventsOutput
	err = s.call(ctx, func() (err error) {
		page, err = s.api.GetLogEvents(ctx, in)
		return err
	})
	if err != nil && r.token != "" && errorCode(err) == "InvalidParameterException" {
		// An expired token: resume by the last acknowledged time. Events
		// of that millisecond may repeat; none are lost.
		if st, ok := s.states.get(r.group, r.stream); ok && st.Time > 0 {
			in.NextToken, in.StartTime = nil, aws.Int64(st.Time)
			r.token, r.skip = "", 0
			err = s.call(ctx, func() (err error) {
				page, err = s.api.GetLogEvents(ctx, in)
				return err
			})
		}
	}
	if err != nil {
		return 0, false, &Error{Op: "GetLogEvents", Group: r.group, Stream: r.stream, Err: err}
	}
	s.stats.gets.Add(1)
	evs := page.Events
	skip := min(r.skip, len(evs))
	mark := pageMark{token: r.token, first: r.count - int64(skip)}
	evs = evs[skip:]
	if len(page.Events) > 0 && page.NextForwardToken != nil {
		r.token, r.skip = aws.ToString(page.NextForwardToken), 0
	}
	if len(evs) == 0 {
		return 0, len(page.Events) >= s.opts.PageSize, nil
	}
	batch := make([]logging.Event, len(evs))
	mark.times = make([]int64, 0, len(page.Events))
	for range skip {
		mark.times = append(mark.times, 0) // acknowledged before: never reported again
	}
	fields := map[string]string{"log_group": r.group, "log_stream": r.stream}
	for i, e := range evs {
		ts := aws.ToInt64(e.Timestamp)
		mark.times = append(mark.times, ts)
		r.count++
		batch[i] = logging.Event{Time: time.UnixMilli(ts), Message: []byte(aws.ToString(e.Message)), Stream: s.opts.Stream,
			Source: r.group + ":" + r.stream, Origin: r.origin, Offset: r.count, Fields: fields, Acker: r}
	}
	r.addPage(mark)
	s.stats.events.Add(int64(len(evs)))
	if err := out.Emit(ctx, batch...); err != nil {
		return 0, false, err
	}
	return len(evs), len(page.Events) >= s.opts.PageSize, nil
}

// call runs f, retrying throttling with the backoff until ctx ends.
func (s *Source) call(ctx context.Context, f func() error) error {
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil || !retryable(errorCode(err)) {
			return err
		}
		s.stats.throttled.Add(1)
		t := time.NewTimer(s.opts.Backoff.Delay(attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
	}
}
