package file

import (
	"bytes"
	"regexp"
	"time"
)

// Multiline joins continuation lines onto the line that starts a record.
type Multiline struct {
	// Start matches the first line of a record; lines that do not match
	// are appended (with "\n") to the record being built.
	Start *regexp.Regexp
	// Timeout emits a pending record when no line arrived for that long
	// (default 1 s).
	Timeout time.Duration
	// MaxBytes bounds one joined record (default 1 MiB); longer records
	// are emitted as they are and a new one starts.
	MaxBytes int
}

// Timestamp parses an event's time from its line.
type Timestamp struct {
	// Layout is a time.Parse layout such as time.Stamp.
	Layout string
	// Regexp, when set, extracts the time text (submatch 1, or the whole
	// match); otherwise the line's first len(Layout) bytes are parsed.
	Regexp *regexp.Regexp
	// Location is used for layouts without a zone (default time.Local).
	Location *time.Location
}

// parse returns the time in line, or fallback when it has none.
func (ts *Timestamp) parse(line []byte, fallback time.Time) time.Time {
	var text []byte
	if ts.Regexp != nil {
		m := ts.Regexp.FindSubmatch(line)
		switch {
		case m == nil:
			return fallback
		case len(m) > 1:
			text = m[1]
		default:
			text = m[0]
		}
	} else {
		if len(line) < len(ts.Layout) {
			return fallback
		}
		text = line[:len(ts.Layout)]
	}
	loc := ts.Location
	if loc == nil {
		loc = time.Local
	}
	t, err := time.ParseInLocation(ts.Layout, string(text), loc)
	if err != nil {
		return fallback
	}
	if t.Year() == 0 { // syslog-style layouts carry no year
		t = t.AddDate(fallback.Year(), 0, 0)
		if t.Sub(fallback) > 24*time.Hour {
			t = t.AddDate(-1, 0, 0)
		}
	}
	return t
}

// joiner builds multiline records for one file.
type joiner struct {
	cfg     *Multiline
	pending []byte
	end     int64 // offset just past the pending record's last line
	has     bool
	last    time.Time
}

// add feeds one line (without newline) ending at end; it returns a
// completed record, if the line started a new one.
func (j *joiner) add(line []byte, end int64, now time.Time) (rec []byte, recEnd int64, ok bool) {
	starts := j.cfg.Start.Match(line)
	if j.has && (starts || len(j.pending)+1+len(line) > j.cfg.MaxBytes) {
		rec, recEnd, ok = j.pending, j.end, true
		j.pending, j.has = nil, false
	}
	if j.has {
		j.pending = append(append(j.pending, '\n'), line...)
	} else {
		j.pending = append([]byte(nil), line...)
		j.has = true
	}
	j.end, j.last = end, now
	return rec, recEnd, ok
}

// flush returns the pending record if it timed out (or force).
func (j *joiner) flush(now time.Time, force bool) ([]byte, int64, bool) {
	if !j.has || (!force && now.Sub(j.last) < j.cfg.Timeout) {
		return nil, 0, false
	}
	rec, end := j.pending, j.end
	j.pending, j.has = nil, false
	return rec, end, true
}

func trimCR(line []byte) []byte {
	return bytes.TrimSuffix(line, []byte{'\r'})
}
