package audit

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// htmlView is what the HTML template renders: the report reduced to
// display strings, every one cleaned by htmlText, and the findings grouped
// by resource.
type htmlView struct {
	Title, Tool, Name, Target, Started, Finished, Took string
	Severities                                         []htmlSeverityCount
	Summary                                            Summary
	Groups                                             []htmlGroup
	// FailingGroups and QuietGroups count the groups with and without a
	// failing finding.
	FailingGroups, QuietGroups int
	UnusedWaivers              []htmlWaiver
}

type htmlSeverityCount struct {
	Name   string
	Failed int
	Errors int
}

// htmlGroup is one resource and its findings: problems (fail, error,
// expired waiver) first, then waived, then the rest collapsed.
type htmlGroup struct {
	ID, Resource string
	// Worst is the severity class of the worst failing finding, "" when
	// none fails.
	Worst            string
	Problems, Waived []htmlFinding
	Quiet            []htmlFinding
	Failing          int
}

type htmlFinding struct {
	CheckID, Title, Severity, Status string
	Evidence, Error, Reason, Note    string
	FixText, FixCommand, FixSQL      string
	References                       []htmlRef
}

type htmlRef struct {
	Text string
	// URL is set for http and https references only, so a hostile
	// "javascript:" reference is never a link.
	URL string
}

type htmlWaiver struct {
	CheckID, Resource, Source, Expires string
}

// htmlText makes s safe to hand to html/template, which escapes markup but
// passes control characters and invalid UTF-8 through: invalid bytes and
// control characters other than newline and tab, and bidi controls,
// become U+FFFD, so a
// hostile resource name or log line can neither hide text nor upset the
// parser.
func htmlText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			return '\uFFFD'
		}
		return r
	}, s)
}

func htmlTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func newHTMLView(r *Report) htmlView {
	v := htmlView{
		Tool:     htmlText(r.Tool.Name),
		Name:     htmlText(r.Name),
		Target:   htmlText(r.Target),
		Started:  htmlTime(r.Started),
		Finished: htmlTime(r.Finished),
		Summary:  r.Summary(),
	}
	if r.Tool.Version != "" {
		v.Tool += " " + htmlText(r.Tool.Version)
	}
	if !r.Started.IsZero() && !r.Finished.IsZero() && !r.Finished.Before(r.Started) {
		v.Took = r.Finished.Sub(r.Started).Round(time.Millisecond).String()
	}
	v.Title = "Audit report"
	if v.Name != "" {
		v.Title += ": " + v.Name
	}
	if v.Target != "" {
		v.Title += " on " + v.Target
	}
	errs := map[Severity]int{}
	for _, f := range r.Findings {
		if f.Status == StatusError {
			errs[f.Severity]++
		}
	}
	for _, s := range Severities() {
		v.Severities = append(v.Severities, htmlSeverityCount{Name: s.String(), Failed: v.Summary.Failed.Of(s), Errors: errs[s]})
	}
	v.Groups = htmlGroups(r.Findings)
	for _, g := range v.Groups {
		if g.Failing > 0 {
			v.FailingGroups++
		} else {
			v.QuietGroups++
		}
	}
	for _, w := range r.UnusedWaivers {
		v.UnusedWaivers = append(v.UnusedWaivers, htmlWaiver{
			CheckID: htmlText(w.CheckID), Resource: htmlText(w.Resource),
			Source: htmlText(w.Source), Expires: expiryDate(w.Expires),
		})
	}
	return v
}

// htmlGroups groups findings by resource. Groups with a failing finding
// come first, worst severity first; ties and the rest in natural order of
// the resource. Within a group findings keep report order.
func htmlGroups(findings []Finding) []htmlGroup {
	type acc struct {
		resource string
		worst    Severity
		fs       []Finding
	}
	var order []*acc
	by := map[string]*acc{}
	for _, f := range findings {
		a := by[f.Resource]
		if a == nil {
			a = &acc{resource: f.Resource}
			by[f.Resource] = a
			order = append(order, a)
		}
		a.fs = append(a.fs, f)
		if f.Failing() && (a.worst == 0 || f.Severity > a.worst) {
			a.worst = f.Severity
		}
	}
	slices.SortStableFunc(order, func(x, y *acc) int {
		if x.worst != y.worst {
			if x.worst > y.worst {
				return -1
			}
			return 1
		}
		return naturalCompare(x.resource, y.resource)
	})
	groups := make([]htmlGroup, 0, len(order))
	for i, a := range order {
		g := htmlGroup{ID: fmt.Sprintf("r%d", i+1), Resource: htmlText(a.resource)}
		if g.Resource == "" {
			g.Resource = "(no resource)"
		}
		if a.worst != 0 {
			g.Worst = a.worst.String()
		}
		for _, f := range a.fs {
			hf := newHTMLFinding(f)
			switch {
			case f.Failing():
				g.Problems = append(g.Problems, hf)
				g.Failing++
			case f.Status == StatusWaived:
				g.Waived = append(g.Waived, hf)
			default:
				g.Quiet = append(g.Quiet, hf)
			}
		}
		groups = append(groups, g)
	}
	return groups
}

func newHTMLFinding(f Finding) htmlFinding {
	hf := htmlFinding{
		CheckID:    htmlText(f.CheckID),
		Title:      htmlText(f.Title),
		Severity:   f.Severity.String(),
		Status:     f.Status.String(),
		Evidence:   htmlText(f.Evidence),
		Error:      htmlText(f.Error),
		FixText:    htmlText(f.Remediation.Text),
		FixCommand: htmlText(f.Remediation.Command),
		FixSQL:     htmlText(f.Remediation.SQL),
	}
	if f.Status == StatusNotApplicable {
		hf.Reason = htmlText(f.Reason)
	}
	switch {
	case f.Status == StatusWaived && f.Waiver != nil:
		hf.Note = htmlText(waivedNote(f.Waiver))
	case f.ExpiredWaiver != nil:
		hf.Note = htmlText(expiredNote(f.ExpiredWaiver))
	}
	for _, ref := range f.References {
		hr := htmlRef{Text: htmlText(ref)}
		if u, err := url.Parse(ref); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
			hr.URL = u.String()
		}
		hf.References = append(hf.References, hr)
	}
	return hf
}
