package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/e2e"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// chromiumPath is Debian's chromium, which services.sh installs.
const chromiumPath = "/usr/bin/chromium"

// TestHardenHTML renders harden's HTML report and opens it in headless
// Chromium: the DOM Chromium builds shows the summary by severity and
// every failing and waived finding, hostile data from an audited file
// stays text, the page fetches nothing, and a screenshot is taken
// (OPSKIT_HARDEN_SCREENSHOT=PATH keeps it).
func TestHardenHTML(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		testenv.Unavailable(t, "chromium ("+chromiumPath+")", err)
	}
	bin := e2e.Build(t)
	dir := t.TempDir()

	// The demo world: what the page must show comes from the JSON report
	// of the same world.
	r := e2e.Run(t, time.Minute, bin, nil, "--format", "json", "--fail-on", "none")
	rep, err := access.ReadJSON(strings.NewReader(r.Stdout))
	if err != nil {
		t.Fatalf("json report: %v\n%s", err, r.Stderr)
	}
	page := filepath.Join(dir, "report.html")
	if r := e2e.Run(t, time.Minute, bin, nil, "--format", "html", "--out", page); r.Code != 1 {
		t.Fatalf("html: exit %d (want 1)\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	dom := chromium(t, dir, "--dump-dom", "file://"+page)
	s := rep.Summary()
	if n := strings.Count(dom, `<article class="finding"`); n != s.Fail+s.Error+s.Waived {
		t.Errorf("DOM shows %d findings; want %d (fail %d, error %d, waived %d)", n, s.Fail+s.Error+s.Waived, s.Fail, s.Error, s.Waived)
	}
	for _, sev := range []access.Severity{access.SeverityCritical, access.SeverityHigh, access.SeverityMedium, access.SeverityLow, access.SeverityInfo} {
		want := `data-severity="` + sev.String() + `"><b>` + strconv.Itoa(s.Failed.Of(sev)) + `</b>`
		if !strings.Contains(dom, want) {
			t.Errorf("DOM lacks the %s card %q", sev, want)
		}
	}
	for _, want := range []string{
		`<h1>Audit report: harden on demo world</h1>`,
		`data-check="access.container.docker_socket" data-status="fail" data-severity="critical"`,
		`data-check="database.pg_hba.trust" data-status="fail"`,
		`data-check="secrets.lint.dockerfile.env" data-status="fail"`,
		`data-check="access.network.sg.open_ssh" data-status="fail"`,
		`data-check="secrets.certs.tls.protocol" data-status="fail"`,
		`data-check="access.host.sshd.tcp_forwarding" data-status="waived"`,
		`data-check="database.files.config_file_mode" data-status="error"`,
		`data-resource="container legacy-worker (9e8d7c6b5a4f)"`,
		`<pre class="evidence">`,
		`<dt>Fix</dt>`,
		"waiver expired on",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("DOM lacks %q", want)
		}
	}

	// The screenshot: a real PNG of the rendered page.
	shot := filepath.Join(dir, "report.png")
	chromium(t, dir, "--screenshot="+shot, "--window-size=1280,2400", "file://"+page)
	png, err := os.ReadFile(shot)
	if err != nil || len(png) < 20000 || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot: %v, %d bytes", err, len(png))
	}
	if keep := os.Getenv("OPSKIT_HARDEN_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// Hostile data: a directory whose name is markup, holding a
	// Dockerfile with a leaked password, so the resource carries it.
	evil := filepath.Join(dir, `evil<img src=x onerror=alert(1)><script>alert(2)</script>`)
	leaked := strings.Join([]string{"Hunter2", "hunter2", randHex(t)}, "-") // built here so no scanner takes this file for a leak
	writeFile(t, filepath.Join(evil, "Dockerfile"), "FROM scratch\nENV DB_PASSWORD="+leaked+"\n")
	hostile := filepath.Join(dir, "hostile.html")
	if r := e2e.Run(t, time.Minute, bin, nil, "--scan", evil, "--format", "html", "--out", hostile); r.Code != 1 {
		t.Fatalf("hostile: exit %d (want 1)\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	dom = chromium(t, dir, "--dump-dom", "file://"+hostile)
	if !strings.Contains(dom, `evil&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt;/Dockerfile:2`) {
		t.Errorf("DOM does not show the hostile resource as text")
	}
	if regexp.MustCompile(`(?i)<(img|script)\b`).MatchString(dom) {
		t.Errorf("hostile data became an element:\n%s", dom)
	}
	if strings.Contains(dom, leaked) {
		t.Error("the page shows the leaked password")
	}
}

// chromium runs headless Chromium on the page with args and returns what
// it printed on standard output (the DOM for --dump-dom).
func chromium(t *testing.T, dir string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir=" + filepath.Join(dir, "chromium-profile")}
	cmd := exec.CommandContext(ctx, chromiumPath, append(base, args...)...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	t.Logf("chromium %s: %s", args[0], time.Since(start).Round(time.Millisecond))
	return stdout.String()
}
