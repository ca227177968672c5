package cloudwatch

import (
	"fmt"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Follow names a log group to read, optionally only the streams whose
// names start with StreamPrefix.
type Follow struct {
	Group        string
	StreamPrefix string
}

// SourceOptions configures a Source.
type SourceOptions struct {
	// Follow lists the groups (and stream prefixes) to read (required).
	Follow []Follow
	// Checkpoint is the checkpoint file; empty keeps positions in memory
	// only.
	Checkpoint string
	// StartTime, when set, skips events older than it in streams that have
	// no checkpoint; by default every stream is read from its head.
	StartTime time.Time
	// PageSize is GetLogEvents' limit per call (default and maximum
	// 10,000; AWS also stops a page at 1 MB).
	PageSize int
	// Poll is how soon a stream that returned events, but not a full
	// page, is read again (default 1 s); a full page is followed at once.
	Poll time.Duration
	// MaxPoll bounds how far apart an idle stream is read: each empty
	// page doubles the stream's interval from Poll up to MaxPoll (default
	// 30 s; set it to Poll for a fixed interval), and an event resets it.
	MaxPoll time.Duration
	// Discover is how often the groups' streams are listed to find new
	// ones (default 10 s; DescribeLogStreams is limited to 5 calls per
	// second per account).
	Discover time.Duration
	// Stream is set on every event (empty: the sink's default); the
	// CloudWatch group and stream are in Fields as log_group and
	// log_stream either way.
	Stream string
	// Backoff spaces retries of throttled calls (zero fields take
	// logging.DefaultBackoff's). Throttling is retried without limit;
	// other errors end Run.
	Backoff logging.Backoff
}

func (o *SourceOptions) fill() error {
	if len(o.Follow) == 0 {
		return &logging.InvalidError{Input: "cloudwatch.SourceOptions", Field: "Follow", Reason: "at least one log group is required"}
	}
	for i, f := range o.Follow {
		if f.Group == "" || len(f.Group) > 512 {
			return &logging.InvalidError{Input: "cloudwatch.SourceOptions", Field: fmt.Sprintf("Follow[%d].Group", i), Reason: fmt.Sprintf("%d characters; must be 1 to 512", len(f.Group))}
		}
		if strings.ContainsAny(f.StreamPrefix, ":*") {
			return &logging.InvalidError{Input: "cloudwatch.SourceOptions", Field: fmt.Sprintf("Follow[%d].StreamPrefix", i), Reason: fmt.Sprintf("%q: stream names have no ':' or '*'", f.StreamPrefix)}
		}
	}
	if o.PageSize == 0 {
		o.PageSize = 10000
	}
	if o.PageSize < 1 || o.PageSize > 10000 {
		return &logging.InvalidError{Input: "cloudwatch.SourceOptions", Field: "PageSize", Reason: fmt.Sprintf("%d; must be 1 to 10,000", o.PageSize)}
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.MaxPoll <= 0 {
		o.MaxPoll = 30 * time.Second
	}
	if o.MaxPoll < o.Poll {
		return &logging.InvalidError{Input: "cloudwatch.SourceOptions", Field: "MaxPoll", Reason: fmt.Sprintf("%v is less than Poll (%v)", o.MaxPoll, o.Poll)}
	}
	if o.Discover <= 0 {
		o.Discover = 10 * time.Second
	}
	if o.Backoff.Initial < 0 || o.Backoff.Max < 0 {
		return &logging.InvalidError{Input: "cloudwatch.SourceOptions", Field: "Backoff", Reason: "negative delay"}
	}
	o.Backoff = o.Backoff.WithDefaults(logging.DefaultBackoff)
	return nil
}
