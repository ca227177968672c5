package audit

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	day       = time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC)
	nextMonth = day.AddDate(0, 1, 0)
	lastMonth = day.AddDate(0, -1, 0)
)

func TestWaiverMatches(t *testing.T) {
	tests := []struct {
		check, pattern string
		f              Finding
		want           bool
	}{
		{"database.pg_hba.trust", "pg_hba.conf:12", Finding{CheckID: "database.pg_hba.trust", Resource: "pg_hba.conf:12"}, true},
		{"database.pg_hba.trust", "pg_hba.conf:*", Finding{CheckID: "database.pg_hba.trust", Resource: "pg_hba.conf:12"}, true},
		{"database.pg_hba.trust", "pg_hba.conf:1?", Finding{CheckID: "database.pg_hba.trust", Resource: "pg_hba.conf:12"}, true},
		{"database.pg_hba.trust", "pg_hba.conf:[0-9]", Finding{CheckID: "database.pg_hba.trust", Resource: "pg_hba.conf:12"}, false},
		{"database.pg_hba.trust", "pg_hba.conf:12", Finding{CheckID: "database.ssl.disabled", Resource: "pg_hba.conf:12"}, false},
		{"database.pg_hba", "pg_hba.conf:12", Finding{CheckID: "database.pg_hba.trust", Resource: "pg_hba.conf:12"}, false},
		{"secrets.kv", "vault:secret/*", Finding{CheckID: "secrets.kv", Resource: "vault:secret/app"}, true},
		{"secrets.kv", "vault:secret/*", Finding{CheckID: "secrets.kv", Resource: "vault:secret/app/db"}, false},
		{"secrets.kv", "*", Finding{CheckID: "secrets.kv", Resource: "vault:secret/app"}, false},
		{"secrets.kv", "*", Finding{CheckID: "secrets.kv", Resource: "db1"}, true},
		{"secrets.kv", "db", Finding{CheckID: "secrets.kv", Resource: "db1"}, false},
		{"secrets.kv", `host\*`, Finding{CheckID: "secrets.kv", Resource: "host*"}, true},
		{"secrets.kv", `host\*`, Finding{CheckID: "secrets.kv", Resource: "host1"}, false},
		{"secrets.kv", "[", Finding{CheckID: "secrets.kv", Resource: "["}, false},
	}
	for _, tt := range tests {
		w := Waiver{CheckID: tt.check, Resource: tt.pattern}
		if got := w.Matches(tt.f); got != tt.want {
			t.Errorf("Waiver{%s, %q}.Matches(%s, %q) = %v; want %v", tt.check, tt.pattern, tt.f.CheckID, tt.f.Resource, got, tt.want)
		}
	}
}

func TestExpiredWaiverDoesNotWaive(t *testing.T) {
	expired := Waiver{CheckID: "database.ssl.disabled", Resource: "db1", Reason: "proxy does TLS", Expires: lastMonth}
	findings := []Finding{{CheckID: "database.ssl.disabled", Severity: SeverityHigh, Status: StatusFail, Resource: "db1"}}

	got, unused := apply(day, findings, []Waiver{expired})

	if got[0].Status != StatusFail {
		t.Fatalf("status = %v; want fail: an expired waiver must not waive", got[0].Status)
	}
	if got[0].Waiver != nil {
		t.Errorf("Waiver = %+v; want nil", got[0].Waiver)
	}
	if got[0].ExpiredWaiver == nil || !got[0].ExpiredWaiver.Expires.Equal(lastMonth) {
		t.Errorf("ExpiredWaiver = %+v; want the expired waiver recorded", got[0].ExpiredWaiver)
	}
	if len(unused) != 0 {
		t.Errorf("unused = %+v; an expired waiver that matched is reported on the finding, not as unused", unused)
	}
	if code := (&Report{Findings: got}).ExitCode(SeverityHigh); code != ExitFindings {
		t.Errorf("ExitCode = %d; want %d", code, ExitFindings)
	}
	var table strings.Builder
	if err := (&Report{Findings: got}).WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	if want := "waiver expired on " + lastMonth.Format(time.DateOnly); !strings.Contains(table.String(), want) {
		t.Errorf("table does not say %q:\n%s", want, table.String())
	}
	// The instant of expiry itself is expired.
	if got, _ := apply(expired.Expires, findings, []Waiver{expired}); got[0].Status != StatusFail {
		t.Errorf("at the expiry instant status = %v; want fail", got[0].Status)
	}
	if got, _ := apply(expired.Expires.Add(-time.Nanosecond), findings, []Waiver{expired}); got[0].Status != StatusWaived {
		t.Errorf("just before expiry status = %v; want waived", got[0].Status)
	}
}

func TestApply(t *testing.T) {
	fail := func(check, res string) Finding {
		return Finding{CheckID: check, Severity: SeverityHigh, Status: StatusFail, Resource: res}
	}
	active := Waiver{CheckID: "a.b", Resource: "r*", Reason: "accepted", Expires: nextMonth}
	old := Waiver{CheckID: "a.b", Resource: "r1", Reason: "old", Expires: lastMonth}
	stale := Waiver{CheckID: "a.c", Resource: "r1", Reason: "fixed long ago", Expires: nextMonth}
	passOnly := Waiver{CheckID: "a.p", Resource: "*", Reason: "now passes", Expires: nextMonth}
	errOnly := Waiver{CheckID: "a.e", Resource: "*", Reason: "hides an error", Expires: nextMonth}

	in := []Finding{
		fail("a.b", "r1"),
		fail("a.b", "x1"),
		{CheckID: "a.p", Status: StatusPass, Resource: "r1"},
		{CheckID: "a.e", Status: StatusError, Resource: "r1", Error: "boom"},
	}
	inCopy := append([]Finding(nil), in...)
	got, unused := apply(day, in, []Waiver{old, active, stale, passOnly, errOnly})

	if got[0].Status != StatusWaived || got[0].Waiver == nil || got[0].Waiver.Reason != "accepted" || got[0].ExpiredWaiver != nil {
		t.Errorf("finding 0 = %+v; want waived by the active waiver even though an expired one is listed first", got[0])
	}
	if got[1].Status != StatusFail || got[1].Waiver != nil {
		t.Errorf("finding 1 = %+v; want untouched", got[1])
	}
	if got[2].Status != StatusPass || got[2].Waiver != nil {
		t.Errorf("finding 2 = %+v; want pass untouched", got[2])
	}
	if got[3].Status != StatusError || got[3].Waiver != nil {
		t.Errorf("finding 3 = %+v; a waiver must never hide a check error", got[3])
	}
	var reasons []string
	for _, u := range unused {
		reasons = append(reasons, u.Reason)
	}
	if want := "fixed long ago,now passes,hides an error"; strings.Join(reasons, ",") != want {
		t.Errorf("unused = %v; want %s", reasons, want)
	}
	for i := range in {
		if in[i].Status != inCopy[i].Status || in[i].Waiver != nil {
			t.Errorf("Apply modified its input finding %d", i)
		}
	}
	got[0].Waiver.Reason = "changed"
	if active.Reason != "accepted" {
		t.Error("the finding's waiver aliases the caller's waiver")
	}
}

func TestWaiverValidate(t *testing.T) {
	good := Waiver{CheckID: "a.b", Resource: "r*", Reason: "ok", Expires: nextMonth}
	tests := []struct {
		name   string
		edit   func(*Waiver)
		substr string
	}{
		{"valid", func(*Waiver) {}, ""},
		{"no check", func(w *Waiver) { w.CheckID = "" }, "empty check id"},
		{"no resource", func(w *Waiver) { w.Resource = "" }, "empty resource pattern"},
		{"blank reason", func(w *Waiver) { w.Reason = "  \t" }, "empty reason"},
		{"no expiry", func(w *Waiver) { w.Expires = time.Time{} }, "missing expiry"},
		{"bad pattern", func(w *Waiver) { w.Resource = "db[" }, "syntax error in pattern"},
	}
	for _, tt := range tests {
		w := good
		tt.edit(&w)
		err := w.Validate()
		if tt.substr == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v; want nil", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.substr) || !errors.Is(err, ErrInvalidWaiver) {
			t.Errorf("%s: Validate() = %v; want ErrInvalidWaiver mentioning %q", tt.name, err, tt.substr)
		}
	}
	if err := (Waiver{CheckID: "a", Resource: "[", Reason: "r", Expires: day}).Validate(); !errors.Is(err, path.ErrBadPattern) {
		t.Errorf("bad pattern error = %v; want it to wrap path.ErrBadPattern", err)
	}
}

func TestParseWaivers(t *testing.T) {
	const doc = `# accepted risks
waivers:
  - check: database.pg_hba.trust
    resource: "pg_hba.conf:*"
    reason: replication host on a private VLAN
    owner: dba-team
    expires: 2026-06-30
  - check: access.sshd.permit_root_login
    resource: host db1
    reason: bootstrap
    expires: 2026-04-01T12:00:00+02:00
`
	got, err := ParseWaivers(strings.NewReader(doc), "waivers.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []Waiver{
		{CheckID: "database.pg_hba.trust", Resource: "pg_hba.conf:*", Reason: "replication host on a private VLAN", Owner: "dba-team", Expires: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), Source: "waivers.yaml:3"},
		{CheckID: "access.sshd.permit_root_login", Resource: "host db1", Reason: "bootstrap", Expires: time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC), Source: "waivers.yaml:8"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d waivers; want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.CheckID != w.CheckID || g.Resource != w.Resource || g.Reason != w.Reason || g.Owner != w.Owner || !g.Expires.Equal(w.Expires) || g.Source != w.Source {
			t.Errorf("waiver %d = %+v; want %+v", i, g, w)
		}
	}
	for _, empty := range []string{"", "# nothing\n", "waivers:\n", "waivers: []\n"} {
		if got, err := ParseWaivers(strings.NewReader(empty), "w.yaml"); err != nil || len(got) != 0 {
			t.Errorf("ParseWaivers(%q) = %v, %v; want no waivers, no error", empty, got, err)
		}
	}
}

func TestParseWaiversErrors(t *testing.T) {
	entry := func(extra string) string {
		return "waivers:\n  - check: a.b\n    resource: r\n    reason: ok\n" + extra
	}
	tests := []struct {
		name string
		doc  string
		want []string // substrings of the error, in order
	}{
		{"missing expiry", entry(""), []string{"audit: w.yaml:2: waiver 1 (a.b): missing expiry"}},
		{"bad date", entry("    expires: 30/06/2026\n"), []string{"w.yaml:2: waiver 1 (a.b)", `expires "30/06/2026"`}},
		{"unknown key", entry("    expiry: 2026-06-30\n"), []string{"w.yaml:5: waiver 1 (a.b)", `unknown key "expiry"`}},
		{"duplicate key", entry("    expires: 2026-06-30\n    reason: again\n"), []string{"w.yaml:6", `duplicate key "reason"`}},
		{"empty reason", "waivers:\n  - check: a.b\n    resource: r\n    reason: ''\n    expires: 2026-06-30\n", []string{"w.yaml:2: waiver 1 (a.b): empty reason"}},
		{"bad pattern", "waivers:\n  - check: a.b\n    resource: 'db['\n    reason: x\n    expires: 2026-06-30\n", []string{"w.yaml:2: waiver 1 (a.b)", `resource pattern "db["`}},
		{"list value", entry("    expires: [2026]\n"), []string{"w.yaml:5", "expires: want a single value"}},
		{"entry not a mapping", "waivers:\n  - just a string\n", []string{"w.yaml:2: waiver 1: want a mapping"}},
		{"top-level list", "- check: a.b\n", []string{"w.yaml:1: want a mapping with a waivers list"}},
		{"unknown top key", "waiver:\n  - check: a.b\n", []string{"w.yaml:1", `unknown key "waiver"`}},
		{"waivers not a list", "waivers: yes\n", []string{"w.yaml:1", "waivers: want a list"}},
		{"bad yaml", "waivers: [\n", []string{"audit: w.yaml: yaml:"}},
		{"second entry", entry("    expires: 2026-06-30\n  - check: c.d\n    resource: r\n    expires: 2026-06-30\n"), []string{"w.yaml:6: waiver 2 (c.d): empty reason"}},
		{"every bad entry", "waivers:\n  - check: a.b\n  - check: c.d\n", []string{"waiver 1 (a.b)", "waiver 2 (c.d)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWaivers(strings.NewReader(tt.doc), "w.yaml")
			if err == nil {
				t.Fatalf("ParseWaivers = %+v, nil; want an error", got)
			}
			if got != nil {
				t.Errorf("ParseWaivers returned waivers %+v alongside an error", got)
			}
			msg := err.Error()
			for _, s := range tt.want {
				i := strings.Index(msg, s)
				if i < 0 {
					t.Fatalf("error %q lacks %q", msg, s)
				}
				msg = msg[i+len(s):]
			}
			var we *WaiverError
			if !errors.As(err, &we) || we.File != "w.yaml" {
				t.Errorf("error %v is not a *WaiverError naming the file", err)
			}
		})
	}
}

func TestLoadWaivers(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "waivers.yaml")
	if err := os.WriteFile(name, []byte("waivers:\n  - check: a.b\n    resource: r\n    reason: ok\n    expires: 2026-06-30\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := LoadWaivers(name)
	if err != nil || len(got) != 1 || got[0].Source != name+":2" {
		t.Errorf("LoadWaivers = %+v, %v; want one waiver from %s:2", got, err, name)
	}
	_, err = LoadWaivers(filepath.Join(dir, "missing.yaml"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("LoadWaivers(missing) = %v; want a not-exist error naming the file", err)
	}
}
