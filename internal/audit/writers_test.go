package audit

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

var writers = []struct {
	format Format
	ext    string
}{
	{FormatTable, "table"},
	{FormatJSON, "json"},
	{FormatSARIF, "sarif"},
	{FormatJUnit, "junit"},
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
	if err := Write(&buf, r, f); err != nil {
		t.Fatalf("Write(%v) = %v", f, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	for _, rep := range reports {
		for _, w := range writers {
			t.Run(rep.name+"/"+w.ext, func(t *testing.T) {
				got := render(t, rep.make(), w.format)
				if again := render(t, rep.make(), w.format); !bytes.Equal(got, again) {
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

// TestSARIFMatchesSchema validates WriteSARIF output against the official
// OASIS SARIF 2.1.0 schema (errata 01, id
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json).
// testdata/sarif-schema-2.1.0.json is that document verbatim, taken from
// the copy embedded in github.com/owenrumney/go-sarif/v3@v3.3.1
// (pkg/report/v210/sarif/schema.go), fetched through the Go module proxy.
func TestSARIFMatchesSchema(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-schema-2.1.0.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, rep := range reports {
		t.Run(rep.name, func(t *testing.T) {
			out := render(t, rep.make(), FormatSARIF)
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(v); err != nil {
				t.Errorf("SARIF output does not match the 2.1.0 schema: %v", err)
			}
		})
	}
	// The schema must reject a broken log, or the test above proves nothing.
	bad, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}`))
	if err := sch.Validate(bad); err == nil {
		t.Error("schema accepted a driver without a name")
	}
}

func TestSARIFContent(t *testing.T) {
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID         string
						Properties map[string]any
					}
				}
			}
			Results []struct {
				RuleID       string
				RuleIndex    int
				Kind, Level  string
				Suppressions []struct{ Kind, Justification string }
			}
		}
	}
	if err := json.Unmarshal(render(t, fixtureReport(), FormatSARIF), &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("runs = %d; want 1", len(log.Runs))
	}
	run := log.Runs[0]
	for _, res := range run.Results {
		if rule := run.Tool.Driver.Rules[res.RuleIndex]; rule.ID != res.RuleID {
			t.Errorf("result %s has ruleIndex %d pointing at %s", res.RuleID, res.RuleIndex, rule.ID)
		}
		if res.Kind != "fail" && res.Level != "none" {
			t.Errorf("result %s: kind %s with level %s; want level none", res.RuleID, res.Kind, res.Level)
		}
	}
	want := map[string]string{"database.pg_hba.trust": "9.5", "database.ssl.disabled": "8.0", "secrets.vault.audit_device": "5.5", "access.sshd.x11_forwarding": "2.0", "access.sshd.banner": "0.0"}
	for _, rule := range run.Tool.Driver.Rules {
		if w, ok := want[rule.ID]; ok && rule.Properties["security-severity"] != w {
			t.Errorf("rule %s security-severity = %v; want %q", rule.ID, rule.Properties["security-severity"], w)
		}
	}
	var suppressed int
	for _, res := range run.Results {
		for _, s := range res.Suppressions {
			suppressed++
			if s.Kind != "external" || s.Justification == "" {
				t.Errorf("suppression %+v; want kind external with a justification", s)
			}
		}
	}
	if suppressed != 1 {
		t.Errorf("%d suppressed results; want 1", suppressed)
	}
}

func TestJUnitParsesBack(t *testing.T) {
	out := render(t, fixtureReport(), FormatJUnit)
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
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
	if doc.Tests != s.Total || doc.Failures != s.Fail || doc.Errors != s.Error || doc.Skipped != s.Waived {
		t.Errorf("totals tests=%d failures=%d errors=%d skipped=%d; want %d %d %d %d",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, s.Total, s.Fail, s.Error, s.Waived)
	}
	var expired, skipped bool
	for _, suite := range doc.Suites {
		for _, c := range suite.Cases {
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
	if !expired || !skipped {
		t.Errorf("expired waiver noted = %v, waiver reason on skipped = %v; want both", expired, skipped)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	want := fixtureReport()
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
	for _, in := range []string{`{"schema":"opskit.audit/v2","findings":[]}`, `{"findings":[]}`} {
		if _, err := ReadJSON(strings.NewReader(in)); !errors.Is(err, ErrUnsupportedSchema) {
			t.Errorf("ReadJSON(%s) error = %v; want ErrUnsupportedSchema", in, err)
		}
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
			if err := Write(&bytes.Buffer{}, r, format); err == nil {
				t.Errorf("Write(%v) of finding %d succeeded; want an error", format, i)
			}
		}
	}
	if err := Write(&bytes.Buffer{}, &Report{}, Format(0)); err == nil {
		t.Error("Write with an invalid format succeeded")
	}
}

func TestTableNeutralisesControlCharacters(t *testing.T) {
	out := string(render(t, fixtureReport(), FormatTable))
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("table contains an escape character:\n%q", out)
	}
}
