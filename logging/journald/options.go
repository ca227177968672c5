package journald

import (
	"fmt"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// Start says where a source without a checkpoint begins.
type Start int

const (
	// Tail starts with the entries written after the source started.
	Tail Start = iota
	// Head starts with the oldest entry in the journal.
	Head
)

// DefaultFields are the journal fields copied into Event.Fields when
// Options.Fields is nil.
var DefaultFields = []string{"PRIORITY", "_PID", "_HOSTNAME", "_SYSTEMD_UNIT", "UNIT", "SYSLOG_IDENTIFIER"}

// Options configures a Source.
type Options struct {
	// Checkpoint is the checkpoint file; empty keeps the cursor in memory
	// only. A checkpoint, when present, decides where reading resumes.
	Checkpoint string
	// Start is where to begin without a checkpoint or Cursor (default
	// Tail).
	Start Start
	// Cursor, without a checkpoint, starts after this journal cursor.
	Cursor string
	// Units keeps the entries of these systemd units (journalctl --unit).
	Units []string
	// Identifiers keeps the entries with these syslog identifiers
	// (journalctl --identifier).
	Identifiers []string
	// Priority keeps entries of this priority or more urgent, or in a
	// range: "err", "3", "warning..emerg" (journalctl --priority).
	Priority string
	// Matches are journal matches "FIELD=value": values of one field are
	// alternatives, different fields must all match.
	Matches []string
	// Fields are the journal fields copied into Event.Fields (nil:
	// DefaultFields; empty: none). MESSAGE and the timestamps are always
	// read.
	Fields []string
	// Stream and Source are set on every event (default Source: the
	// entry's SYSLOG_IDENTIFIER, else _COMM).
	Stream, Source string
	// Directory reads the journal files in this directory instead of the
	// system journal (journalctl --directory).
	Directory string
	// Journalctl is the journalctl binary (default "journalctl" on PATH).
	Journalctl string
	// Restart spaces restarts of journalctl after it exits (zero fields
	// take logging.DefaultBackoff's).
	Restart logging.Backoff
}

var priorities = map[string]bool{"emerg": true, "alert": true, "crit": true, "err": true, "warning": true,
	"notice": true, "info": true, "debug": true, "0": true, "1": true, "2": true, "3": true, "4": true, "5": true, "6": true, "7": true}

func (o *Options) fill() error {
	if o.Start != Tail && o.Start != Head {
		return &logging.InvalidError{Input: "journald.Options", Field: "Start", Reason: fmt.Sprintf("unknown start %d", o.Start)}
	}
	if o.Priority != "" {
		from, to, isRange := strings.Cut(o.Priority, "..")
		if !priorities[from] || (isRange && !priorities[to]) {
			return &logging.InvalidError{Input: "journald.Options", Field: "Priority", Reason: fmt.Sprintf("%q; want a level (emerg ... debug, 0 ... 7) or a range FROM..TO", o.Priority)}
		}
	}
	for _, m := range o.Matches {
		field, _, ok := strings.Cut(m, "=")
		if !ok || !validField(field) {
			return &logging.InvalidError{Input: "journald.Options", Field: "Matches", Reason: fmt.Sprintf("%q; want FIELD=value with FIELD of A-Z, 0-9 and _", m)}
		}
	}
	if o.Fields == nil {
		o.Fields = DefaultFields
	}
	for _, f := range o.Fields {
		if !validField(f) {
			return &logging.InvalidError{Input: "journald.Options", Field: "Fields", Reason: fmt.Sprintf("%q is not a journal field name (A-Z, 0-9 and _)", f)}
		}
	}
	for _, lists := range []struct {
		name string
		vals []string
	}{{"Units", o.Units}, {"Identifiers", o.Identifiers}} {
		for _, v := range lists.vals {
			if v == "" || strings.ContainsAny(v, "\x00\n") {
				return &logging.InvalidError{Input: "journald.Options", Field: lists.name, Reason: fmt.Sprintf("%q is empty or has a NUL or newline", v)}
			}
		}
	}
	if strings.ContainsAny(o.Cursor, "\x00\n") {
		return &logging.InvalidError{Input: "journald.Options", Field: "Cursor", Reason: "has a NUL or newline"}
	}
	if o.Journalctl == "" {
		o.Journalctl = "journalctl"
	}
	if o.Restart.Initial < 0 || o.Restart.Max < 0 {
		return &logging.InvalidError{Input: "journald.Options", Field: "Restart", Reason: "negative delay"}
	}
	o.Restart = o.Restart.WithDefaults(logging.DefaultBackoff)
	return nil
}

// validField reports whether name is a journal field name: upper-case
// letters, digits and underscores, not starting with a digit.
func validField(name string) bool {
	if name == "" || len(name) > 64 || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// args returns journalctl's arguments for reading after cursor ("" for
// the configured start).
func (o *Options) args(cursor string) []string {
	a := []string{"--output=json", "--follow", "--all", "--no-pager", "--quiet"}
	fields := append([]string{"MESSAGE", "SYSLOG_IDENTIFIER", "_COMM"}, o.Fields...)
	a = append(a, "--output-fields="+strings.Join(fields, ","))
	switch {
	case cursor != "":
		a = append(a, "--after-cursor="+cursor, "--lines=all")
	case o.Start == Head:
		a = append(a, "--lines=all")
	default:
		a = append(a, "--lines=0")
	}
	if o.Directory != "" {
		a = append(a, "--directory="+o.Directory)
	}
	for _, u := range o.Units {
		a = append(a, "--unit="+u)
	}
	for _, id := range o.Identifiers {
		a = append(a, "--identifier="+id)
	}
	if o.Priority != "" {
		a = append(a, "--priority="+o.Priority)
	}
	// Matches come last, after "--", so no value is read as an option.
	if len(o.Matches) > 0 {
		a = append(a, "--")
		a = append(a, o.Matches...)
	}
	return a
}

// restartAfter is how long a journalctl that ran at least this long is
// considered healthy: its next restart starts the backoff over.
const restartAfter = 10 * time.Second
