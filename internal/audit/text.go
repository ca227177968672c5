package audit

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// oneLine makes s safe for one table cell or terminal line: control
// characters (tabs, newlines, ANSI escapes from a hostile target) and
// bidi controls become spaces, so they can neither break the columns,
// drive the terminal nor reorder what the reader sees.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ' '
		}
		return r
	}, s)
}

// expiryDate formats a waiver expiry: a date alone when it is midnight
// UTC, the RFC 3339 time otherwise.
func expiryDate(t time.Time) string {
	u := t.UTC()
	if u.Hour() == 0 && u.Minute() == 0 && u.Second() == 0 && u.Nanosecond() == 0 {
		return u.Format(time.DateOnly)
	}
	return u.Format(time.RFC3339)
}

// expiredNote is the sentence writers print for a failure whose matching
// waiver has expired.
func expiredNote(w *Waiver) string {
	return fmt.Sprintf("waiver expired on %s; reason was: %s", expiryDate(w.Expires), w.Reason)
}

// notApplicableNote says why a check did not apply.
func notApplicableNote(f Finding) string {
	return "not applicable: " + f.Reason
}

// waivedNote describes the waiver that accepts a finding.
func waivedNote(w *Waiver) string {
	s := fmt.Sprintf("waived until %s: %s", expiryDate(w.Expires), w.Reason)
	if w.Owner != "" {
		s += " (owner " + w.Owner + ")"
	}
	return s
}

// summaryLine is the one-line summary shared by the table and JUnit
// writers, e.g. "7 findings: 3 fail (1 critical, 2 high), 1 error, 1 waived, 2 pass".
func summaryLine(s Summary) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s: %d fail", s.Total, plural(s.Total, "finding", "findings"), s.Fail)
	if s.Fail > 0 {
		var parts []string
		for _, sev := range Severities() {
			if n := s.Failed.Of(sev); n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, sev))
			}
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, ", %d error, %d waived, %d pass", s.Error, s.Waived, s.Pass)
	if s.NotApplicable > 0 {
		fmt.Fprintf(&b, ", %d n/a", s.NotApplicable)
	}
	return b.String()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
