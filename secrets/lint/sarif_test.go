package lint_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets/lint"
)

// codeScanningRules configures the SARIF multitool the way GitHub code
// scanning judges an upload: its GitHub rules (GH1001-GH1007) as errors,
// paths relative to the repository root; SARIF2006 is off because it
// fetches every URI and tests reach loopback only.
const codeScanningRules = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options"><Property Key="RuleEnabled" Value="Disabled" /></Properties>
  <Properties Key="SARIF2007.ExpressPathsRelativeToRepoRoot.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
  <Properties Key="SARIF2016.FileUrisShouldBeRelative.Options"><Property Key="RuleEnabled" Value="Disabled" /></Properties>
  <Properties Key="GH1001.ProvideRequiredLocationProperties.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
  <Properties Key="GH1002.InlineThreadFlowLocations.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
  <Properties Key="GH1003.ProvideRequiredRegionProperties.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
  <Properties Key="GH1004.ReviewArraysThatExceedConfigurableDefaults.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
  <Properties Key="GH1005.LocationsMustBeRelativeUrisOrFilePaths.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
  <Properties Key="GH1006.ProvideCheckoutPath.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
  <Properties Key="GH1007.ProvideFullyFormattedMessageStrings.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
</Properties>
`

// TestSARIFCodeScanning writes the linter's report on the whole corpus
// (every check failing somewhere, on files at their lines) as SARIF and
// has Microsoft's SARIF multitool validate it with GitHub's rules: no
// error may come back.
func TestSARIFCodeScanning(t *testing.T) {
	bin := os.Getenv("OPSKIT_SARIF_MULTITOOL")
	if bin == "" {
		bin = "/opt/opskit/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
	}
	if _, err := os.Stat(bin); err != nil {
		testenv.Unavailable(t, "the SARIF multitool", fmt.Errorf("%w (internal/testenv/services.sh up installs it)", err))
	}
	findings, err := lint.New(lint.Options{}).Paths(context.Background(), corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	r := &lint.Report{Tool: lint.Tool{Name: "opskit", Version: "0.0.0", InformationURI: "https://github.com/opskit-dev/opskit"},
		Name: "secrets.lint", Target: "corpus", Started: start, Finished: start.Add(time.Second),
		Checks: lint.Checks(), Findings: findings}
	r.Sort()
	dir := t.TempDir()
	report := filepath.Join(dir, "lint.sarif")
	f, err := os.Create(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteSARIF(f, lint.SARIFOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// A copy with the first result's location removed, which GitHub
	// rejects: the validator must say so, or it checked nothing.
	var doc map[string]any
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	first := doc["runs"].([]any)[0].(map[string]any)["results"].([]any)[0].(map[string]any)
	delete(first, "locations")
	broken := filepath.Join(dir, "broken.sarif")
	raw, _ = json.Marshal(doc)
	if err := os.WriteFile(broken, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "rules.xml")
	if err := os.WriteFile(config, []byte(codeScanningRules), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "validation.sarif")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "validate", "--quiet", "true", "--rule-kind", "Sarif;Ghas", "--config", config,
		"--output", out, report, broken)
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("multitool validate: %v\n%s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Arguments []string `json:"arguments"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatal(err)
	}
	if len(log.Runs) == 0 {
		t.Fatal("the multitool's log has no run")
	}
	fails := 0
	for _, f := range findings {
		if f.Failing() {
			fails++
		}
	}
	brokenErrors := 0
	for _, run := range log.Runs {
		for _, res := range run.Results {
			file := ""
			if len(res.Locations) > 0 {
				file = filepath.Base(res.Locations[0].PhysicalLocation.ArtifactLocation.URI)
			}
			switch {
			case file == "broken.sarif":
				if res.Level == "error" {
					brokenErrors++
				}
			case res.Level == "error":
				t.Errorf("%s: %s: %v", file, res.RuleID, res.Message.Arguments)
			case res.Level == "" || res.Level == "warning":
				t.Logf("warning %s: %s: %v", file, res.RuleID, res.Message.Arguments)
			}
		}
	}
	if brokenErrors == 0 {
		t.Error("the multitool found no error in a result without a location: are GitHub's rules on?")
	}
	t.Logf("validated %d results", fails)
}
