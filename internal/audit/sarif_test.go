package audit

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sarifDoc is the part of a SARIF log the tests look at.
type sarifDoc struct {
	Runs []struct {
		AutomationDetails struct{ ID string }
		Tool              struct {
			Driver struct {
				Rules []struct {
					ID         string
					Properties map[string]any
				}
			}
		}
		Results []sarifDocResult
	}
}

type sarifDocResult struct {
	RuleID      string
	RuleIndex   int
	Kind, Level string
	Message     struct{ Text string }
	Locations   []struct {
		PhysicalLocation *struct {
			ArtifactLocation struct{ URI string }
			Region           struct{ StartLine int }
		}
		LogicalLocations []struct{ FullyQualifiedName string }
	}
	PartialFingerprints map[string]string
	Suppressions        []struct{ Kind, Status, Justification string }
	Properties          struct{ Status string }
}

func parseSARIF(t *testing.T, out []byte) sarifDoc {
	t.Helper()
	var doc sarifDoc
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("runs = %d; want 1", len(doc.Runs))
	}
	return doc
}

func TestSARIFLocation(t *testing.T) {
	tests := []struct {
		resource, target string
		uri              string
		line             int
	}{
		{"pg_hba.conf:12", "db1", "pg_hba.conf", 12},
		{"/etc/postgresql/15/main/pg_hba.conf:90", "db1", "etc/postgresql/15/main/pg_hba.conf", 90},
		{"Dockerfile:7", "", "Dockerfile", 7},
		{"/etc/ssh/sshd_config.d/50 x.conf:3", "", "opskit/%2Fetc%2Fssh%2Fsshd_config.d%2F50%20x.conf%3A3", 1}, // a space: not a file
		{"./a/../b.conf:4", "", "b.conf", 4},
		{"../secret:4", "", "opskit/..%2Fsecret%3A4", 1},
		{"host db1:22", "", "opskit/host%20db1%3A22", 1},
		{"postgres://db1:5432", "", "opskit/postgres%3A%2F%2Fdb1%3A5432", 1},
		{"arn:aws:rds:eu-west-1:123456789012:db:shop", "", "opskit/arn%3Aaws%3Ards%3Aeu-west-1%3A123456789012%3Adb%3Ashop", 1},
		{"pg_hba.conf:0", "", "opskit/pg_hba.conf%3A0", 1},
		{"pg_hba.conf:012", "", "opskit/pg_hba.conf%3A012", 1},
		{"setting ssl", "db1:5432", "opskit/setting%20ssl", 1},
		{"", "db1:5432", "opskit/db1%3A5432", 1},
		{"", "", "opskit/-", 1},
		{".", "", "opskit/%2E", 1},
		{"host web\x1b[2J\n:22", "", "opskit/host%20web%1B%5B2J%0A%3A22", 1},
	}
	for _, tt := range tests {
		uri, line := SARIFLocation(tt.resource, tt.target)
		if uri != tt.uri || line != tt.line {
			t.Errorf("SARIFLocation(%q, %q) = %q, %d; want %q, %d", tt.resource, tt.target, uri, line, tt.uri, tt.line)
		}
	}
}

// GitHub code scanning rejects a whole upload when one result lacks
// physicalLocation.artifactLocation.uri (issue 18).
func TestSARIFEveryResultHasPhysicalLocation(t *testing.T) {
	r := fixtureReport()
	r.Findings = append(r.Findings, checkAudit.Errored("", errString("vault sealed")))
	for _, opts := range []SARIFOptions{{}, {Passes: true, Waived: true}} {
		doc := parseSARIF(t, renderSARIF(t, r, opts))
		for i, res := range doc.Runs[0].Results {
			if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation == nil {
				t.Errorf("%+v: result %d (%s) has no physical location", opts, i, res.RuleID)
				continue
			}
			pl := res.Locations[0].PhysicalLocation
			if pl.ArtifactLocation.URI == "" || pl.Region.StartLine < 1 {
				t.Errorf("%+v: result %d (%s): uri %q, startLine %d", opts, i, res.RuleID, pl.ArtifactLocation.URI, pl.Region.StartLine)
			}
		}
	}
}

func TestSARIFResultsByDefault(t *testing.T) {
	r := fixtureReport()
	kinds := func(opts SARIFOptions) map[string]int {
		out := map[string]int{}
		for _, res := range parseSARIF(t, renderSARIF(t, r, opts)).Runs[0].Results {
			out[res.Properties.Status]++
			if (res.Kind == "fail") == (res.Level == "none") {
				t.Errorf("result %s: kind %s with level %s", res.RuleID, res.Kind, res.Level)
			}
			if want := map[string]string{"pass": "pass", "fail": "fail", "error": "open", "waived": "fail"}[res.Properties.Status]; res.Kind != want {
				t.Errorf("result %s with status %s: kind %s; want %s", res.RuleID, res.Properties.Status, res.Kind, want)
			}
			if (res.Properties.Status == "waived") != (len(res.Suppressions) == 1) {
				t.Errorf("result %s with status %s: %d suppressions", res.RuleID, res.Properties.Status, len(res.Suppressions))
			}
			for _, s := range res.Suppressions {
				if s.Kind != "external" || s.Status != "accepted" || !strings.Contains(s.Justification, "OPS-1234") {
					t.Errorf("suppression %+v; want external, accepted, the waiver reason", s)
				}
			}
		}
		return out
	}
	s := r.Summary()
	if got := kinds(SARIFOptions{}); got["fail"] != s.Fail || got["error"] != s.Error || got["pass"] != 0 || got["waived"] != 0 {
		t.Errorf("default results by status %v; want %d fail, %d error and no pass or waived", got, s.Fail, s.Error)
	}
	if got := kinds(SARIFOptions{Passes: true}); got["pass"] != s.Pass || got["waived"] != 0 {
		t.Errorf("with Passes: results by status %v; want %d pass and no waived", got, s.Pass)
	}
	if got := kinds(SARIFOptions{Waived: true}); got["waived"] != s.Waived || got["pass"] != 0 {
		t.Errorf("with Waived: results by status %v; want %d waived and no pass", got, s.Waived)
	}
}

func TestSARIFRules(t *testing.T) {
	run := parseSARIF(t, renderSARIF(t, fixtureReport(), SARIFOptions{Passes: true, Waived: true})).Runs[0]
	for _, res := range run.Results {
		if rule := run.Tool.Driver.Rules[res.RuleIndex]; rule.ID != res.RuleID {
			t.Errorf("result %s has ruleIndex %d pointing at %s", res.RuleID, res.RuleIndex, rule.ID)
		}
	}
	want := map[string]string{"database.pg_hba.trust": "9.5", "database.ssl.disabled": "8.0", "secrets.vault.audit_device": "5.5", "access.sshd.x11_forwarding": "2.0", "access.sshd.banner": "0.0"}
	for _, rule := range run.Tool.Driver.Rules {
		if w, ok := want[rule.ID]; ok && rule.Properties["security-severity"] != w {
			t.Errorf("rule %s security-severity = %v; want %q", rule.ID, rule.Properties["security-severity"], w)
		}
	}
}

var lineHash = regexp.MustCompile(`^[0-9a-f]{16}:[1-9][0-9]*$`)

// Fingerprints depend on what was found, not on when: GitHub matches
// alerts across uploads on primaryLocationLineHash.
func TestSARIFFingerprintsStable(t *testing.T) {
	prints := func(r *Report) map[string]map[string]string {
		out := map[string]map[string]string{}
		for _, res := range parseSARIF(t, renderSARIF(t, r, SARIFOptions{Passes: true, Waived: true})).Runs[0].Results {
			key := res.RuleID + " " + res.Locations[0].LogicalLocations[0].FullyQualifiedName
			if _, dup := out[key]; dup {
				t.Fatalf("two results for %s", key)
			}
			out[key] = res.PartialFingerprints
			if h := res.PartialFingerprints["primaryLocationLineHash"]; !lineHash.MatchString(h) {
				t.Errorf("%s: primaryLocationLineHash %q; want 16 hex digits, a colon and a count", key, h)
			}
			if len(res.PartialFingerprints["opskitFinding/v1"]) != 64 {
				t.Errorf("%s: opskitFinding/v1 %q; want a SHA-256", key, res.PartialFingerprints["opskitFinding/v1"])
			}
		}
		return out
	}
	first := prints(fixtureReport())
	later := fixtureReport()
	later.Started = later.Started.Add(24 * time.Hour)
	later.Finished = later.Finished.Add(24 * time.Hour)
	later.Findings[0], later.Findings[1] = later.Findings[1], later.Findings[0]
	second := prints(later)
	for key, fp := range first {
		for k, v := range fp {
			if second[key][k] != v {
				t.Errorf("%s: %s changed between runs: %q, then %q", key, k, v, second[key][k])
			}
		}
	}
	seen := map[string]string{}
	for key, fp := range first {
		h := fp["primaryLocationLineHash"]
		if other, ok := seen[h]; ok {
			t.Errorf("%s and %s share primaryLocationLineHash %s", key, other, h)
		}
		seen[h] = key
	}
}

// A line inserted above a finding moves it; GitHub's own line hash hashes
// the content, so the alert follows. Ours must too.
func TestSARIFLineHashFollowsContent(t *testing.T) {
	hash := func(resource string) string {
		r := &Report{Findings: []Finding{checkTrust.Fail(resource, "host all all 0.0.0.0/0 trust")}}
		return parseSARIF(t, renderSARIF(t, r, SARIFOptions{})).Runs[0].Results[0].PartialFingerprints["primaryLocationLineHash"]
	}
	if a, b := hash("pg_hba.conf:12"), hash("pg_hba.conf:13"); a != b {
		t.Errorf("line hash changed when the line moved from 12 to 13: %s, %s", a, b)
	}
	if a, b := hash("pg_hba.conf:12"), hash("other.conf:12"); a == b {
		t.Errorf("line hash is the same for two files: %s", a)
	}
	twice := &Report{Findings: []Finding{checkTrust.Fail("pg_hba.conf:3", "x"), checkTrust.Fail("pg_hba.conf:9", "x")}}
	res := parseSARIF(t, renderSARIF(t, twice, SARIFOptions{})).Runs[0].Results
	h0, h1 := res[0].PartialFingerprints["primaryLocationLineHash"], res[1].PartialFingerprints["primaryLocationLineHash"]
	if h0 == h1 || h0[:16] != h1[:16] || !strings.HasSuffix(h0, ":1") || !strings.HasSuffix(h1, ":2") {
		t.Errorf("identical lines hash to %s and %s; want one hash counted :1 and :2", h0, h1)
	}
}

func TestSARIFAutomationID(t *testing.T) {
	tests := []struct {
		name string
		r    *Report
		opts SARIFOptions
		want string
	}{
		{"name and target", &Report{Name: "database", Target: "db1:5432"}, SARIFOptions{}, "database/db1:5432/"},
		{"category wins", &Report{Name: "database", Target: "db1:5432"}, SARIFOptions{Category: "nightly/db1"}, "nightly/db1"},
		{"prefix of check IDs", fixtureReport(), SARIFOptions{}, "opskit/postgres://db1:5432/"},
		{"shared prefix", &Report{Target: "web1", Findings: []Finding{
			{CheckID: "access.host.sshd.x", Status: StatusPass, Severity: SeverityLow},
			{CheckID: "access.host.updates", Status: StatusPass, Severity: SeverityLow}}}, SARIFOptions{}, "access.host/web1/"},
		{"nothing", &Report{}, SARIFOptions{}, "opskit/"},
	}
	for _, tt := range tests {
		if got := parseSARIF(t, renderSARIF(t, tt.r, tt.opts)).Runs[0].AutomationDetails.ID; got != tt.want {
			t.Errorf("%s: automationDetails.id = %q; want %q", tt.name, got, tt.want)
		}
	}
}

// Messages are plain sentences: no parentheses nested in parentheses
// (issue 18: "(waiver expired on ... (reason was: ...))").
func TestSARIFMessagesPlain(t *testing.T) {
	for _, res := range parseSARIF(t, renderSARIF(t, fixtureReport(), SARIFOptions{Passes: true, Waived: true})).Runs[0].Results {
		depth, deepest := 0, 0
		for _, r := range res.Message.Text {
			switch r {
			case '(':
				depth++
				deepest = max(deepest, depth)
			case ')':
				depth--
			}
		}
		if deepest > 1 || depth != 0 {
			t.Errorf("%s: message %q nests parentheses", res.RuleID, res.Message.Text)
		}
		if !strings.HasSuffix(res.Message.Text, ".") {
			t.Errorf("%s: message %q does not end a sentence", res.RuleID, res.Message.Text)
		}
	}
}
