// Package rdslogs reads Amazon RDS database logs (PostgreSQL and others)
// into a logging pipeline with DescribeDBLogFiles and
// DownloadDBLogFilePortion, paging with the returned Marker until
// AdditionalDataPending is false, and enables CloudWatch Logs exports,
// which AWS recommends for continuous reading (downloading uses the
// instance's resources). Exported logs land in the log group
// ExportedLogGroup(instance, logType); read them with
// logging/cloudwatch.ReadStream.
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
	"github.com/aws/aws-sdk-go-v2/service/rds/types"

	"github.com/opskit-dev/opskit/logging"
)

// API is the part of the RDS client the source uses; *rds.Client
// implements it.
type API interface {
	DescribeDBLogFiles(ctx context.Context, in *rds.DescribeDBLogFilesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBLogFilesOutput, error)
	DownloadDBLogFilePortion(ctx context.Context, in *rds.DownloadDBLogFilePortionInput, optFns ...func(*rds.Options)) (*rds.DownloadDBLogFilePortionOutput, error)
}

var _ API = (*rds.Client)(nil)

// File is one log file of an instance.
type File struct {
	Name        string
	Size        int64
	LastWritten time.Time
}

// ListFiles returns the instance's log files, oldest written first,
// following the Marker across pages.
func ListFiles(ctx context.Context, api API, instance, nameContains string) ([]File, error) {
	in := &rds.DescribeDBLogFilesInput{DBInstanceIdentifier: aws.String(instance)}
	if nameContains != "" {
		in.FilenameContains = aws.String(nameContains)
	}
	var files []File
	for {
		out, err := api.DescribeDBLogFiles(ctx, in)
		if err != nil {
			return nil, &Error{Op: "DescribeDBLogFiles", Instance: instance, Err: err}
		}
		for _, d := range out.DescribeDBLogFiles {
			files = append(files, File{Name: aws.ToString(d.LogFileName), Size: aws.ToInt64(d.Size), LastWritten: time.UnixMilli(aws.ToInt64(d.LastWritten))})
		}
		if out.Marker == nil || aws.ToString(out.Marker) == "" || aws.ToString(out.Marker) == aws.ToString(in.Marker) {
			break
		}
		in.Marker = out.Marker
	}
	sort.SliceStable(files, func(i, j int) bool { return files[i].LastWritten.Before(files[j].LastWritten) })
	return files, nil
}

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

// ExportsAPI is what EnableExports uses.
type ExportsAPI interface {
	ModifyDBInstance(ctx context.Context, in *rds.ModifyDBInstanceInput, optFns ...func(*rds.Options)) (*rds.ModifyDBInstanceOutput, error)
	DescribeDBInstances(ctx context.Context, in *rds.DescribeDBInstancesInput, optFns ...func(*rds.Options)) (*rds.DescribeDBInstancesOutput, error)
}

// exportTypes are the log types each engine can export.
var exportTypes = map[string][]string{
	"postgres":          {"postgresql", "upgrade", "iam-db-auth-error"},
	"aurora-postgresql": {"postgresql", "instance", "iam-db-auth-error"},
	"mysql":             {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
	"mariadb":           {"audit", "error", "general", "slowquery", "iam-db-auth-error"},
	"aurora-mysql":      {"audit", "error", "general", "slowquery", "instance", "iam-db-auth-error"},
}

// EnableExports turns on CloudWatch Logs exports of logTypes (default
// "postgresql" for PostgreSQL engines) for an instance, applied
// immediately. It checks the types against the instance's engine first and
// is a no-op for types already enabled. It returns the log groups.
func EnableExports(ctx context.Context, api ExportsAPI, instance string, logTypes ...string) ([]string, error) {
	out, err := api.DescribeDBInstances(ctx, &rds.DescribeDBInstancesInput{DBInstanceIdentifier: aws.String(instance)})
	if err != nil {
		return nil, &Error{Op: "DescribeDBInstances", Instance: instance, Err: err}
	}
	if len(out.DBInstances) != 1 {
		return nil, &Error{Op: "DescribeDBInstances", Instance: instance, Err: fmt.Errorf("found %d instances", len(out.DBInstances))}
	}
	db := out.DBInstances[0]
	engine := aws.ToString(db.Engine)
	allowed := exportTypes[engine]
	if len(logTypes) == 0 {
		if strings.Contains(engine, "postgres") {
			logTypes = []string{"postgresql"}
		} else {
			return nil, &logging.InvalidError{Input: "rdslogs.EnableExports", Field: "logTypes", Reason: "name the log types to export for engine " + engine}
		}
	}
	enabled := map[string]bool{}
	for _, t := range db.EnabledCloudwatchLogsExports {
		enabled[t] = true
	}
	var add []string
	for _, t := range logTypes {
		if allowed != nil && !contains(allowed, t) {
			return nil, &logging.InvalidError{Input: "rdslogs.EnableExports", Field: "logTypes", Reason: fmt.Sprintf("%q: engine %s exports only %s", t, engine, strings.Join(allowed, ", "))}
		}
		if !enabled[t] {
			add = append(add, t)
		}
	}
	if len(add) > 0 {
		_, err := api.ModifyDBInstance(ctx, &rds.ModifyDBInstanceInput{DBInstanceIdentifier: aws.String(instance), ApplyImmediately: aws.Bool(true),
			CloudwatchLogsExportConfiguration: &types.CloudwatchLogsExportConfiguration{EnableLogTypes: add}})
		if err != nil {
			return nil, &Error{Op: "ModifyDBInstance", Instance: instance, Err: err}
		}
	}
	groups := make([]string, len(logTypes))
	for i, t := range logTypes {
		groups[i] = ExportedLogGroup(instance, t)
	}
	return groups, nil
}

// ExportedLogGroup is where RDS exports an instance's logs of logType.
func ExportedLogGroup(instance, logType string) string {
	return "/aws/rds/instance/" + instance + "/" + logType
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Error is a failed RDS call naming the instance and file.
type Error struct {
	Op, Instance, File string
	Err                error
}

// Error implements error.
func (e *Error) Error() string {
	if e.File != "" {
		return fmt.Sprintf("rdslogs: %s %s file %s: %v", e.Op, e.Instance, e.File, e.Err)
	}
	return fmt.Sprintf("rdslogs: %s %s: %v", e.Op, e.Instance, e.Err)
}

// Unwrap returns the SDK error.
func (e *Error) Unwrap() error { return e.Err }
