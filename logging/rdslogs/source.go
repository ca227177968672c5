package rdslogs

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/opskit-dev/opskit/logging"
)

// Options configures a Source.
type Options struct {
	// Instance is the DB instance identifier (required).
	Instance string
	// NameContains filters log file names (for example "postgresql.log").
	NameContains string
	// Lines is NumberOfLines per DownloadDBLogFilePortion call (default
	// 1,000; each call returns at most 1 MB regardless).
	Lines int32
	// Poll is how often the files are listed again (default 30 s).
	Poll time.Duration
	// Markers resumes files where a previous run stopped (from Markers()).
	Markers map[string]string
	// NoFollow reads what is there once and returns.
	NoFollow bool
	// Stream is set on every event (default the instance identifier).
	Stream string
}

// Source downloads an instance's log files.
type Source struct {
	api  API
	opts Options

	mu      sync.Mutex
	next    map[string]string // marker to download from, per file
	acked   map[string]string // marker acknowledged, per file
	pending map[int64]pendingAck
	seq     int64
}

type pendingAck struct{ file, marker string }

// NewSource validates opts.
func NewSource(api API, opts Options) (*Source, error) {
	if api == nil {
		return nil, &logging.InvalidError{Input: "rdslogs.NewSource", Field: "api", Reason: "an RDS client is required"}
	}
	if opts.Instance == "" {
		return nil, &logging.InvalidError{Input: "rdslogs.Options", Field: "Instance", Reason: "a DB instance identifier is required"}
	}
	if opts.Lines == 0 {
		opts.Lines = 1000
	}
	if opts.Lines < 0 {
		return nil, &logging.InvalidError{Input: "rdslogs.Options", Field: "Lines", Reason: fmt.Sprintf("%d; must be positive", opts.Lines)}
	}
	if opts.Poll <= 0 {
		opts.Poll = 30 * time.Second
	}
	if opts.Stream == "" {
		opts.Stream = opts.Instance
	}
	s := &Source{api: api, opts: opts, next: map[string]string{}, acked: map[string]string{}, pending: map[int64]pendingAck{}}
	for f, m := range opts.Markers {
		s.next[f], s.acked[f] = m, m
	}
	return s, nil
}

// Markers returns, per file, the marker after the last acknowledged
// portion: pass it as Options.Markers to resume.
func (s *Source) Markers() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]string, len(s.acked))
	for k, v := range s.acked {
		out[k] = v
	}
	return out
}

// Ack implements logging.Acker; offsets are portion sequence numbers.
func (s *Source) Ack(off int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var done []int64
	for seq := range s.pending {
		if seq <= off {
			done = append(done, seq)
		}
	}
	sort.Slice(done, func(i, j int) bool { return done[i] < done[j] })
	for _, seq := range done {
		p := s.pending[seq]
		s.acked[p.file] = p.marker
		delete(s.pending, seq)
	}
}

// Run downloads new log data until ctx ends (or once with NoFollow).
func (s *Source) Run(ctx context.Context, out logging.Emitter) error {
	for {
		files, err := ListFiles(ctx, s.api, s.opts.Instance, s.opts.NameContains)
		if err != nil {
			return err
		}
		for _, f := range files {
			if err := s.download(ctx, out, f.Name); err != nil {
				return err
			}
		}
		if s.opts.NoFollow {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.opts.Poll):
		}
	}
}

// download pages through one file from its marker.
func (s *Source) download(ctx context.Context, out logging.Emitter, file string) error {
	s.mu.Lock()
	marker := s.next[file]
	s.mu.Unlock()
	if marker == "" {
		marker = "0"
	}
	for {
		res, err := s.api.DownloadDBLogFilePortion(ctx, &rds.DownloadDBLogFilePortionInput{
			DBInstanceIdentifier: aws.String(s.opts.Instance), LogFileName: aws.String(file),
			Marker: aws.String(marker), NumberOfLines: aws.Int32(s.opts.Lines)})
		if err != nil {
			return &Error{Op: "DownloadDBLogFilePortion", Instance: s.opts.Instance, File: file, Err: err}
		}
		next := aws.ToString(res.Marker)
		data := aws.ToString(res.LogFileData)
		if data != "" {
			s.mu.Lock()
			s.seq++
			seq := s.seq
			s.pending[seq] = pendingAck{file, next}
			s.mu.Unlock()
			lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
			now := time.Now()
			evs := make([]logging.Event, 0, len(lines))
			for i, l := range lines {
				ev := logging.Event{Time: parseTime(l, now), Message: []byte(l), Stream: s.opts.Stream, Source: file,
					Fields: map[string]string{"db_instance": s.opts.Instance, "log_file": file}}
				if i == len(lines)-1 {
					ev.Acker, ev.Offset = s, seq // the portion is acknowledged with its last line
				}
				evs = append(evs, ev)
			}
			if err := out.Emit(ctx, evs...); err != nil {
				return err
			}
		}
		if next != "" {
			marker = next
		}
		s.mu.Lock()
		s.next[file] = marker
		s.mu.Unlock()
		if !aws.ToBool(res.AdditionalDataPending) || next == "" {
			return nil
		}
	}
}

// parseTime reads PostgreSQL's "2006-01-02 15:04:05 UTC:" prefix (RDS's
// default log_line_prefix) or returns fallback.
func parseTime(line string, fallback time.Time) time.Time {
	if len(line) >= 23 {
		if t, err := time.Parse("2006-01-02 15:04:05 MST", line[:23]); err == nil {
			return t
		}
	}
	return fallback
}
