package lint_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/opskit-dev/opskit/secrets/lint"
)

// TestSARIFLocation: a finding on a file line becomes a SARIF result at
// that file and line, which is what code scanning annotates.
func TestSARIFLocation(t *testing.T) {
	f, err := lint.New(lint.Options{}).Dockerfile("build/Dockerfile", []byte("FROM scratch\n\nENV DB_PASSWORD=Summer2024!\n"))
	if err != nil {
		t.Fatal(err)
	}
	r := &lint.Report{Tool: lint.Tool{Name: "opskit"}, Checks: lint.Checks(), Findings: f}
	var buf bytes.Buffer
	if err := r.WriteSARIF(&buf, lint.SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 || len(doc.Runs[0].Results) != 1 {
		t.Fatalf("want one result, got %s", buf.String())
	}
	res := doc.Runs[0].Results[0]
	loc := res.Locations[0].PhysicalLocation
	if res.RuleID != "secrets.lint.dockerfile.env" || loc.ArtifactLocation.URI != "build/Dockerfile" || loc.Region.StartLine != 3 {
		t.Errorf("result %s at %s:%d, want secrets.lint.dockerfile.env at build/Dockerfile:3", res.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine)
	}
}
