package file

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Options configures a Source.
type Options struct {
	// Paths are file names or filepath.Match globs.
	Paths []string
	// Checkpoint is the checkpoint file; empty keeps offsets in memory only.
	Checkpoint string
	// FingerprintBytes is how many leading bytes identify a file (default
	// 1024). Smaller files are identified by what they hold and the
	// fingerprint grows with them.
	FingerprintBytes int
	// Poll is how often globs are re-scanned and idle files re-checked
	// (default 250 ms).
	Poll time.Duration
	// RotateWait is how long a file that was rotated away or deleted is
	// still read after its end (default 1 s).
	RotateWait time.Duration
	// ReadBytes is the read size (default 256 KiB).
	ReadBytes int
	// MaxLineBytes bounds a line; longer lines are cut (default 1 MiB).
	MaxLineBytes int
	// Stream and Fields are set on every event.
	Stream string
	Fields map[string]string
	// Multiline joins continuation lines; nil means one event per line.
	Multiline *Multiline
	// Timestamp parses event times from lines; nil uses the read time.
	Timestamp *Timestamp
}

func (o *Options) fill() error {
	if len(o.Paths) == 0 {
		return &logging.InvalidError{Input: "file.Options", Field: "Paths", Reason: "at least one path or glob is required"}
	}
	for _, p := range o.Paths {
		if _, err := filepath.Match(p, ""); err != nil {
			return &logging.InvalidError{Input: "file.Options", Field: "Paths", Reason: fmt.Sprintf("bad glob %q: %v", p, err)}
		}
	}
	if o.FingerprintBytes <= 0 {
		o.FingerprintBytes = 1024
	}
	if o.Poll <= 0 {
		o.Poll = 250 * time.Millisecond
	}
	if o.RotateWait <= 0 {
		o.RotateWait = time.Second
	}
	if o.ReadBytes <= 0 {
		o.ReadBytes = 256 << 10
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = 1 << 20
	}
	if o.Multiline != nil {
		if o.Multiline.Start == nil {
			return &logging.InvalidError{Input: "file.Options", Field: "Multiline.Start", Reason: "a start pattern is required"}
		}
		m := *o.Multiline
		if m.Timeout <= 0 {
			m.Timeout = time.Second
		}
		if m.MaxBytes <= 0 {
			m.MaxBytes = 1 << 20
		}
		o.Multiline = &m
	}
	if o.Timestamp != nil && o.Timestamp.Layout == "" {
		return &logging.InvalidError{Input: "file.Options", Field: "Timestamp.Layout", Reason: "a layout is required"}
	}
	return nil
}
