package audit

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Parse(htmlTemplateText))

// HTMLContentSecurityPolicy is the Content-Security-Policy that
// [Report.WriteHTML] puts in the page: no scripts, no fetches of any kind,
// only the page's own inline style. A browser that honours it loads
// nothing beyond the file, even if a finding smuggled markup past the
// escaping.
const HTMLContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

// WriteHTML writes r as one self-contained HTML page for people, viewable
// offline: inline CSS, no script, no external resource (the page carries
// [HTMLContentSecurityPolicy]). It shows the report's tool, name, target
// and times; a summary by severity (failing findings and check errors at
// each level) and by status; then the findings grouped by resource, the
// resources with failures first (worst severity first, then natural order),
// each failure with its check, title, severity, evidence, check error,
// waiver notes and the fix (text, command, SQL, references), waived
// findings next, and passed and not applicable ones folded away; and the
// unused waivers.
//
// Findings carry data from the audited systems (a log line, a container
// name), so every field is escaped by html/template; invalid UTF-8 and
// control characters other than newline and tab are written as U+FFFD,
// and only http and https references become links. Like every writer it
// is deterministic: the output depends only on r.
func (r *Report) WriteHTML(w io.Writer) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, struct {
		CSP string
		htmlView
	}{HTMLContentSecurityPolicy, newHTMLView(r)}); err != nil {
		return fmt.Errorf("audit: write html: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
