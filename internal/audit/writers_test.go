package audit

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var writers = []struct {
	ext   string
	write func(*Report, io.Writer) error
}{
	{"table", func(r *Report, w io.Writer) error { return r.Write(w, FormatTable) }},
	{"json", func(r *Report, w io.Writer) error { return r.Write(w, FormatJSON) }},
	{"sarif", func(r *Report, w io.Writer) error { return r.Write(w, FormatSARIF) }},
	{"sarif-all", func(r *Report, w io.Writer) error {
		return r.WriteSARIF(w, SARIFOptions{Passes: true, Waived: true, NotApplicable: true, Category: "opskit-fixture"})
	}},
	{"junit", func(r *Report, w io.Writer) error { return r.Write(w, FormatJUnit) }},
}

var reports = []struct {
	name string
	make func() *Report
}{
	{"full", fixtureReport},
	{"empty", func() *Report { return &Report{Tool: Tool{Name: "opskit", Version: "0.1.0"}} }},
}

func render(t *testing.T, r *Report, f Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf, f); err != nil {
		t.Fatalf("Write(%v) = %v", f, err)
	}
	return buf.Bytes()
}

func renderSARIF(t *testing.T, r *Report, opts SARIFOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := r.WriteSARIF(&buf, opts); err != nil {
		t.Fatalf("WriteSARIF(%+v) = %v", opts, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, rep := range reports {
		for _, w := range writers {
			t.Run(rep.name+"/"+w.ext, func(t *testing.T) {
				write := func() []byte {
					var buf bytes.Buffer
					if err := w.write(rep.make(), &buf); err != nil {
						t.Fatal(err)
					}
					return buf.Bytes()
				}
				got := write()
				if again := write(); !bytes.Equal(got, again) {
					t.Fatalf("output differs between two writes of the same report")
				}
				path := filepath.Join("testdata", rep.name+"."+w.ext+".golden")
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from golden file; got:\n%s", path, got)
				}
			})
		}
	}
}

func TestJUnitParsesBack(t *testing.T) {
	out := render(t, fixtureReport(), FormatJUnit)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Error   *struct{} `xml:"error"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("JUnit output is not valid XML: %v", err)
	}
	s := fixtureReport().Summary()
	if doc.Tests != s.Total || doc.Failures != s.Fail || doc.Errors != s.Error {
		t.Errorf("totals tests=%d failures=%d errors=%d; want %d %d %d",
			doc.Tests, doc.Failures, doc.Errors, s.Total, s.Fail, s.Error)
	}
	var expired, skipped, notApplicable bool
	for _, suite := range doc.Suites {
		for _, c := range suite.Cases {
			if c.Skipped != nil && strings.HasPrefix(c.Skipped.Message, "not applicable: RDS manages pg_hba.conf") {
				notApplicable = true
			}
			if c.Failure != nil && strings.Contains(c.Failure.Text, "waiver expired on 2026-01-31") {
				expired = true
			}
			if c.Skipped != nil && strings.Contains(c.Skipped.Message, "OPS-1234") {
				skipped = true
			}
			if strings.ContainsRune(c.Name, '\x1b') {
				t.Errorf("testcase name %q keeps an escape character", c.Name)
			}
		}
	}
	if !expired || !skipped || !notApplicable {
		t.Errorf("expired waiver noted = %v, waiver reason on skipped = %v, n/a reason on skipped = %v; want all", expired, skipped, notApplicable)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	want := fixtureReport()
	want.Name = "fixture"
	out := render(t, want, FormatJSON)
	got, err := ReadJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadJSON(WriteJSON(r)) = %+v; want %+v", got, want)
	}
	if again := render(t, got, FormatJSON); !bytes.Equal(again, out) {
		t.Error("re-encoding the decoded report changed the JSON")
	}
}

func TestReadJSONRejectsOtherSchema(t *testing.T) {
	for _, in := range []string{`{"schema":"opskit.audit/v3","findings":[]}`, `{"findings":[]}`} {
		if _, err := ReadJSON(strings.NewReader(in)); !errors.Is(err, ErrUnsupportedSchema) {
			t.Errorf("ReadJSON(%s) error = %v; want ErrUnsupportedSchema", in, err)
		}
	}
}

// TestReadJSONV1 reads a document written before the n/a status: v1 is
// v2 without it, so older reports stay readable.
func TestReadJSONV1(t *testing.T) {
	in := `{"schema":"opskit.audit/v1","tool":{"name":"opskit"},"summary":{"total":1,"pass":0,"fail":1,"error":0,"waived":0,"failed":{"critical":0,"high":1,"medium":0,"low":0,"info":0}},
		"findings":[{"checkId":"database.ssl.disabled","title":"server accepts connections without TLS","severity":"high","status":"fail","resource":"db1"}]}`
	r, err := ReadJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || r.Findings[0].Status != StatusFail || r.Summary().Fail != 1 {
		t.Errorf("ReadJSON(v1) = %+v; want one failing finding", r.Findings)
	}
}

// TestNotApplicable: a finding of a check that does not apply carries its
// reason through every writer, never fails the gate and is never waived.
func TestNotApplicable(t *testing.T) {
	f := checkHBAMode.NotApplicable("pg_hba.conf", "RDS manages pg_hba.conf")
	r := &Report{Findings: []Finding{f}}
	if code := r.ExitCode(SeverityInfo); code != ExitOK {
		t.Errorf("ExitCode(info) with only n/a = %d; want %d", code, ExitOK)
	}
	r.ApplyWaivers(fixtureNow, []Waiver{{CheckID: checkHBAMode.ID, Resource: "*", Reason: "x", Expires: fixtureNow.Add(time.Hour)}})
	if r.Findings[0].Status != StatusNotApplicable || len(r.UnusedWaivers) != 1 {
		t.Errorf("after waivers: %v, unused %d; want n/a and the waiver unused", r.Findings[0].Status, len(r.UnusedWaivers))
	}
	if s := r.Summary(); s.NotApplicable != 1 || s.Of(StatusNotApplicable) != 1 || s.Total != 1 {
		t.Errorf("Summary() = %+v; want one n/a", s)
	}
	table := string(render(t, r, FormatTable))
	for _, want := range []string{"high      n/a", "1 n/a", "not applicable: RDS manages pg_hba.conf"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(string(render(t, r, FormatSARIF)), "notApplicable\"") {
		t.Error("default SARIF writes a n/a result; GitHub would show it as an alert")
	}
	all := string(renderSARIF(t, r, SARIFOptions{NotApplicable: true}))
	for _, want := range []string{`"kind": "notApplicable"`, `"level": "none"`, `Not applicable: pg_hba.conf is writable by group or readable by others on pg_hba.conf: RDS manages pg_hba.conf.`} {
		if !strings.Contains(all, want) {
			t.Errorf("SARIF with NotApplicable lacks %s:\n%s", want, all)
		}
	}
	// Run fills in a missing reason, as it does a missing error.
	c := Checker[int]{Check: checkHBAMode, Func: func(context.Context, int) ([]Finding, error) {
		return []Finding{{Status: StatusNotApplicable}}, nil
	}}
	if got := Run(context.Background(), 0, c); len(got) != 1 || got[0].Reason != "no reason given" {
		t.Errorf("Run with a reasonless n/a = %+v", got)
	}
}

func TestWritersRejectInvalidFindings(t *testing.T) {
	bad := []Finding{
		{CheckID: "a.b", Title: "t", Severity: SeverityHigh},          // no status
		{CheckID: "a.b", Title: "t", Status: StatusFail, Severity: 0}, // no severity
	}
	for i, f := range bad {
		r := &Report{Findings: []Finding{f}}
		for _, format := range []Format{FormatJSON, FormatSARIF, FormatJUnit} {
			if i == 1 && format != FormatJSON {
				continue // SARIF and JUnit can still describe an unknown severity
			}
			if err := r.Write(&bytes.Buffer{}, format); err == nil {
				t.Errorf("Write(%v) of finding %d succeeded; want an error", format, i)
			}
		}
	}
	if err := (&Report{}).Write(&bytes.Buffer{}, Format(0)); err == nil {
		t.Error("Write with an invalid format succeeded")
	}
}

func TestTableNeutralisesControlCharacters(t *testing.T) {
	out := string(render(t, fixtureReport(), FormatTable))
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("table contains an escape character:\n%q", out)
	}
}
