package audit

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

func renderHTML(t *testing.T, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatalf("WriteHTML = %v", err)
	}
	return buf.String()
}

// TestHTMLGolden pins the page for the fixture and the empty report, and
// checks that two writes of one report are identical.
func TestHTMLGolden(t *testing.T) {
	for _, rep := range reports {
		t.Run(rep.name, func(t *testing.T) {
			got := renderHTML(t, rep.make())
			if again := render(t, rep.make(), FormatHTML); string(again) != got {
				t.Fatal("Write(FormatHTML) differs from WriteHTML, or two writes differ")
			}
			path := filepath.Join("testdata", rep.name+".html.golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from golden file; got:\n%s", path, got)
			}
		})
	}
}

// hostileReport carries markup, a javascript: reference, control
// characters and invalid UTF-8 where audited systems put data: resource,
// evidence, check error, waiver reason, title and references.
func hostileReport() *Report {
	c := Check{
		ID: "docker.container.name", Title: "title </style><script>alert('t')</script>", Severity: SeverityHigh,
		Remediation: Remediation{Text: "fix <b>bold</b>", Command: "echo '<iframe src=//evil>'", SQL: "SELECT '</pre><script>x</script>';"},
		References:  []string{"javascript:alert(1)", "https://example.com/a?b=<c>", "//evil.example/x"},
	}
	r := &Report{
		Tool:   Tool{Name: "opskit<script>", Version: "\"><svg onload=alert(1)>"},
		Name:   "harden",
		Target: "<img src=x onerror=alert('target')>",
		Findings: []Finding{
			c.Fail("container <script>alert('name')</script>\x1b[31m", "log line: \"><img src=x onerror=alert('evidence')>\x00\xff end"),
			c.Errored("container x' onmouseover='alert(1)", errString("<a href=javascript:alert(1)>err</a>")),
			c.Pass("container </section><h1>fake</h1>"),
		},
		UnusedWaivers: []Waiver{{CheckID: "x.y", Resource: "<marquee>", Reason: "r", Expires: fixtureNow, Source: "w.yaml:1<br>"}},
	}
	r.Findings[0].ExpiredWaiver = &Waiver{CheckID: c.ID, Resource: "*", Reason: "<blink>old</blink>", Expires: fixtureStart}
	return r
}

// TestHTMLEscapesHostileData: nothing an audited system controls becomes
// markup, a link or a control character in the page.
func TestHTMLEscapesHostileData(t *testing.T) {
	out := renderHTML(t, hostileReport())
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<img", "<svg", "<iframe", "<marquee", "<blink", "<b>bold", "<h1>fake", "<a href=javascript", "href=\"javascript", "\x1b", "\x00", "\xff", "href=\"//evil"} {
		if strings.Contains(lower, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, want := range []string{
		"container &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;\uFFFD[31m",
		"&#34;&gt;&lt;img src=x onerror=alert(&#39;evidence&#39;)&gt;\uFFFD\uFFFD end",
		"&lt;a href=javascript:alert(1)&gt;err&lt;/a&gt;",
		"(w.yaml:1&lt;br&gt;)",
		"waiver expired on 2026-03-14T09:26:53Z; reason was: &lt;blink&gt;old&lt;/blink&gt;",
		"javascript:alert(1); <a href=\"https://example.com/a?b=%3cc%3e\" rel=\"noreferrer noopener\">https://example.com/a?b=&lt;c&gt;</a>; //evil.example/x",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The one </style> and </section> per page are the template's own.
	if n := strings.Count(lower, "</style>"); n != 1 {
		t.Errorf("page has %d </style> tags; want 1", n)
	}
	if n, groups := strings.Count(out, "</section>"), 3; n != groups {
		t.Errorf("page has %d </section> tags; want %d (one per resource)", n, groups)
	}
}

// TestHTMLSelfContained: the page loads nothing: no script, no external
// style, image, font or frame, a CSP that forbids them, and links only
// within the page or to http(s) references.
func TestHTMLSelfContained(t *testing.T) {
	for name, r := range map[string]*Report{"fixture": fixtureReport(), "hostile": hostileReport()} {
		out := strings.ToLower(renderHTML(t, r))
		if !strings.Contains(out, `<meta http-equiv="content-security-policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;`) {
			t.Errorf("%s: no Content-Security-Policy meta", name)
		}
		for _, bad := range []string{"<script", "<link", "@import", "url(", "<iframe", "<object", "<embed", "<img"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s: page contains %q", name, bad)
			}
		}
		// Escaped text may say "src="; no tag may have it.
		if m := regexp.MustCompile(`<[a-z][^>]*\ssrc=`).FindString(out); m != "" {
			t.Errorf("%s: tag with src: %s", name, m)
		}
		for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(out, -1) {
			if !strings.HasPrefix(m[1], "#r") && !strings.HasPrefix(m[1], "https://") {
				t.Errorf("%s: link to %q", name, m[1])
			}
		}
	}
}

// TestHTMLGroupsByResource: resources with failures come first, worst
// severity first; each shows its failures with evidence and fix, and
// folds passes away.
func TestHTMLGroupsByResource(t *testing.T) {
	out := renderHTML(t, fixtureReport())
	order := []string{
		`data-resource="pg_hba.conf:12"`,           // critical fail
		`data-resource="postgres://db1:5432"`,      // high fail (expired waiver)
		`data-resource="vault:sys/audit"`,          // medium error
		"data-resource=\"host web\uFFFD[2J\n:22\"", // low fail, escape shown as U+FFFD
		`data-resource="host db1:22"`,              // waived and passed only
		`data-resource="pg_hba.conf"`,              // n/a only
		`data-resource="pg_hba.conf:15"`,           // waived only
	}
	last := -1
	for _, o := range order {
		i := strings.Index(out, o)
		if i < 0 {
			t.Fatalf("page lacks %s", o)
		}
		if i < last {
			t.Errorf("%s is out of order", o)
		}
		last = i
	}
	for _, want := range []string{
		`<div class="card sev-critical" data-severity="critical"><b>1</b>critical failing</div>`,
		`<div class="card sev-medium" data-severity="medium"><b>0</b>medium failing<br><small>+1 check error</small></div>`,
		`<pre class="evidence">host all all 0.0.0.0/0 trust</pre>`,
		`<pre class="fix-sql">SELECT pg_reload_conf();</pre>`,
		`<a href="https://www.postgresql.org/docs/current/auth-trust.html" rel="noreferrer noopener">`,
		`<summary>1 passed or not applicable</summary>`,
		"waived until 2026-06-30: replication host on a private VLAN, OPS-1234 (owner dba-team)",
		"Unused waivers",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if f, err := ParseFormat("HTML"); err != nil || f != FormatHTML || f.String() != "html" {
		t.Errorf("ParseFormat(HTML) = %v, %v; want html", f, err)
	}
}

// TestBidiControlsNeutralized: a resource name with Unicode bidi controls
// (U+202E RIGHT-TO-LEFT OVERRIDE and the isolates) cannot reorder what a
// reader sees, in the table or the page.
func TestBidiControlsNeutralized(t *testing.T) {
	name := "invoice\u202Efdp.exe \u2066x\u2069 \u200Fy"
	for _, got := range []string{oneLine(name), htmlText(name)} {
		for _, r := range got {
			if unicode.Is(unicode.Bidi_Control, r) {
				t.Errorf("%q keeps bidi control %U", got, r)
			}
		}
	}
}
