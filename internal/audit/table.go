package audit

import (
	"bytes"
	"fmt"
	"io"
	"text/tabwriter"
)

// TableOptions chooses the rows of WriteTableWith. Findings left out of
// the rows are still counted in the summary line.
type TableOptions struct {
	// Passes lists passed findings as rows too.
	Passes bool
	// NotApplicable lists not-applicable findings as rows (their reasons
	// are in the notes either way).
	NotApplicable bool
}

// WriteTable writes r for people with every finding as a row: it is
// WriteTableWith(w, TableOptions{Passes: true, NotApplicable: true}).
func (r *Report) WriteTable(w io.Writer) error {
	return r.WriteTableWith(w, TableOptions{Passes: true, NotApplicable: true})
}

// WriteTableWith writes r for people: one aligned row per finding that o
// selects, in report order, under the header SEVERITY STATUS CHECK
// RESOURCE TITLE; a blank line and the summary of all findings; then,
// when there are any, a "notes:" section (check errors, why checks did
// not apply, waivers applied, waivers expired) and an "unused waivers:"
// section. An empty resource prints as "-". Control characters in any
// field print as spaces, so a hostile resource name cannot break the
// columns or send escape sequences to the terminal.
func (r *Report) WriteTableWith(w io.Writer, o TableOptions) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tSTATUS\tCHECK\tRESOURCE\tTITLE")
	var notes []string
	for _, f := range r.Findings {
		res := oneLine(f.Resource)
		if res == "" {
			res = "-"
		}
		if (f.Status != StatusPass || o.Passes) && (f.Status != StatusNotApplicable || o.NotApplicable) {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", f.Severity, f.Status, oneLine(f.CheckID), res, oneLine(f.Title))
		}
		if n := findingNote(f); n != "" {
			notes = append(notes, fmt.Sprintf("  %s %s: %s", oneLine(f.CheckID), res, oneLine(n)))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(&buf, "\n%s\n", summaryLine(r.Summary()))
	if len(notes) > 0 {
		buf.WriteString("\nnotes:\n")
		for _, n := range notes {
			buf.WriteString(n)
			buf.WriteByte('\n')
		}
	}
	if len(r.UnusedWaivers) > 0 {
		buf.WriteString("\nunused waivers (they waived nothing; remove them):\n")
		for _, u := range r.UnusedWaivers {
			fmt.Fprintf(&buf, "  %s %s", oneLine(u.CheckID), oneLine(u.Resource))
			if u.Source != "" {
				fmt.Fprintf(&buf, " (%s)", oneLine(u.Source))
			}
			buf.WriteByte('\n')
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// findingNote is the extra line a finding needs beyond its table row.
func findingNote(f Finding) string {
	switch {
	case f.Status == StatusError:
		return "check error: " + f.Error
	case f.Status == StatusNotApplicable:
		return notApplicableNote(f)
	case f.Status == StatusWaived && f.Waiver != nil:
		return waivedNote(f.Waiver)
	case f.ExpiredWaiver != nil:
		return expiredNote(f.ExpiredWaiver)
	}
	return ""
}
