package audit

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// junitSuites is the root element. Jenkins' xUnit plugin validates input
// against its junit-10.xsd, which allows only name, time, tests, failures
// and errors here (no skipped), and skips files that fail.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr,omitempty"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure"`
	Error     *junitProblem `xml:"error"`
	Skipped   *junitSkipped `xml:"skipped"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	// Text is escaped by xmlText, which keeps newlines readable.
	Text string `xml:",innerxml"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// WriteJUnit writes r as JUnit XML for CI test reports, in the structure
// Jenkins' xUnit plugin (junit-10.xsd), the Jenkins junit step and GitLab
// accept. The root testsuites element is named after the tool and carries
// the totals of tests, failures and errors (waived and not applicable
// findings are counted as skipped on each testsuite only, as the xUnit
// schema allows) and the
// run time in seconds (from Started and Finished, when not negative). There is one
// testsuite per check, in order of first appearance, named by check ID,
// with properties title and severity and the start time as timestamp; and
// one testcase per finding, named by resource (or the check ID when
// there is none) with the check ID as classname:
//
//   - pass: an empty testcase;
//   - fail: a <failure> whose message is the title and whose type is the
//     severity, with resource, evidence, remediation, references and any
//     expired waiver in its text;
//   - error: an <error> whose message is the check error;
//   - waived: a <skipped> whose message gives the waiver reason and expiry;
//   - n/a: a <skipped> whose message is "not applicable: " and the reason.
//
// Characters not allowed in XML are written as U+FFFD.
func (r *Report) WriteJUnit(w io.Writer) error {
	doc := junitSuites{Name: r.Tool.Name}
	if doc.Name == "" {
		doc.Name = "opskit"
	}
	if !r.Started.IsZero() && !r.Finished.IsZero() && !r.Finished.Before(r.Started) {
		doc.Time = fmt.Sprintf("%.3f", r.Finished.Sub(r.Started).Seconds())
	}
	var stamp string
	if !r.Started.IsZero() {
		stamp = r.Started.UTC().Format(time.DateOnly + "T" + time.TimeOnly)
	}
	suite := map[string]int{}
	for _, f := range r.Findings {
		i, ok := suite[f.CheckID]
		if !ok {
			i = len(doc.Suites)
			suite[f.CheckID] = i
			doc.Suites = append(doc.Suites, junitSuite{
				Name:      f.CheckID,
				Timestamp: stamp,
				Properties: []junitProperty{
					{Name: "title", Value: f.Title},
					{Name: "severity", Value: f.Severity.String()},
				},
			})
		}
		s := &doc.Suites[i]
		c := junitCase{Name: f.Resource, Classname: f.CheckID}
		if c.Name == "" {
			c.Name = f.CheckID
		}
		switch f.Status {
		case StatusFail:
			c.Failure = &junitProblem{Message: f.Title, Type: f.Severity.String(), Text: xmlText(junitDetail(f))}
			s.Failures++
		case StatusError:
			c.Error = &junitProblem{Message: f.Error, Type: "error", Text: xmlText(junitDetail(f))}
			s.Errors++
		case StatusWaived:
			msg := "waived"
			if f.Waiver != nil {
				msg = waivedNote(f.Waiver)
			}
			c.Skipped = &junitSkipped{Message: msg}
			s.Skipped++
		case StatusNotApplicable:
			c.Skipped = &junitSkipped{Message: notApplicableNote(f)}
			s.Skipped++
		case StatusPass:
		default:
			return fmt.Errorf("audit: write junit: finding %s%s: invalid %v", f.CheckID, onResource(f.Resource), f.Status)
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
		doc.Tests++
	}
	for _, s := range doc.Suites {
		doc.Failures += s.Failures
		doc.Errors += s.Errors
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("audit: write junit: %w", err)
	}
	buf.WriteByte('\n')
	_, err := w.Write(buf.Bytes())
	return err
}

// junitDetail is the text of a failure or error element.
func junitDetail(f Finding) string {
	var lines []string
	add := func(label, v string) {
		if v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	add("Check", f.CheckID)
	add("Severity", f.Severity.String())
	add("Resource", f.Resource)
	add("Evidence", f.Evidence)
	add("Error", f.Error)
	add("Remediation", f.Remediation.Text)
	add("Command", f.Remediation.Command)
	add("SQL", f.Remediation.SQL)
	add("References", strings.Join(f.References, "; "))
	if f.ExpiredWaiver != nil {
		add("Note", expiredNote(f.ExpiredWaiver))
	}
	return strings.Join(lines, "\n")
}

// xmlText escapes s as XML character data. Unlike encoding/xml it keeps
// newlines and tabs literal, so a failure body reads well in the file;
// like it, it writes characters XML does not allow as U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
