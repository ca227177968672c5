package audit_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/sshhost"
	"github.com/opskit-dev/opskit/database"
	"github.com/opskit-dev/opskit/internal/audit"
	"github.com/opskit-dev/opskit/internal/testenv"
	"golang.org/x/crypto/ssh"
)

// multitoolInstall is how internal/testenv/services.sh installs the
// validator, named in the skip message.
const multitoolInstall = "npm install --prefix /opt/opskit @microsoft/sarif-multitool@5.7.0 (internal/testenv/services.sh up does it)"

// sarifMultitool returns the SARIF multitool's Linux binary, or skips t
// (fails it with OPSKIT_INTEGRATION=1) saying how to install it.
// OPSKIT_SARIF_MULTITOOL overrides the path.
func sarifMultitool(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("OPSKIT_SARIF_MULTITOOL")
	if bin == "" {
		bin = "/opt/opskit/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
	}
	if _, err := os.Stat(bin); err != nil {
		testenv.Unavailable(t, "the SARIF multitool", fmt.Errorf("%w; install it with %s", err, multitoolInstall))
	}
	return bin
}

// githubPolicy turns on the multitool's GitHub rules as its own GitHub
// policy does: GH1001 to GH1007 as errors, paths relative to the
// repository root required, help URIs a warning. The GitHub Advanced
// Security rules (GH1015 to GH1018, GH2012) run with --rule-kind Ghas.
// SARIF2006 is off: it fetches every URI in the log, and tests talk to
// loopback addresses only.
const githubPolicy = `<?xml version="1.0" encoding="utf-8"?>
<Properties>
  <Properties Key="SARIF2006.UrisShouldBeReachable.Options"><Property Key="RuleEnabled" Value="Disabled" /></Properties>
  <Properties Key="SARIF2007.ExpressPathsRelativeToRepoRoot.Options"><Property Key="RuleEnabled" Value="Error" /></Properties>
  <Properties Key="SARIF2012.ProvideHelpUris.Options"><Property Key="RuleEnabled" Value="Warning" /></Properties>
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

// validation is one problem the multitool reported.
type validation struct {
	file, rule, level, text string
}

// validateSARIF runs the multitool's validate command with the GitHub
// rules over files and returns what it reported at level error or warning.
func validateSARIF(t *testing.T, bin string, files []string) []validation {
	t.Helper()
	dir := t.TempDir()
	policy := filepath.Join(dir, "github.config.xml")
	if err := os.WriteFile(policy, []byte(githubPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "validation.sarif")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"validate", "--quiet", "true", "--rule-kind", "Sarif;Ghas", "--config", policy, "--output", out}, files...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "DOTNET_CLI_TELEMETRY_OPTOUT=1")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s validate: %v\n%s", bin, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("the multitool wrote no log: %v", err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Level     string
				Message   struct{ Arguments []string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
			Invocations []struct {
				ToolExecutionNotifications []struct {
					Level   string
					Message struct{ Text string }
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("multitool log: %v", err)
	}
	var found []validation
	for _, run := range log.Runs {
		for _, inv := range run.Invocations {
			for _, n := range inv.ToolExecutionNotifications {
				if n.Level == "error" {
					t.Fatalf("the multitool failed: %s", n.Message.Text)
				}
			}
		}
		for _, r := range run.Results {
			level := r.Level
			if level == "" {
				level = "warning" // SARIF's default level
			}
			if level != "error" && level != "warning" {
				continue
			}
			v := validation{rule: r.RuleID, level: level, text: strings.Join(r.Message.Arguments, "; ")}
			if len(r.Locations) > 0 {
				v.file = filepath.Base(r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
			}
			found = append(found, v)
		}
	}
	return found
}

// TestSARIFGitHub writes real audit reports as SARIF and has Microsoft's
// SARIF multitool check them with its GitHub rules: the database audit of
// the PostgreSQL primary, the host audit of an SSH host, and a report
// whose only finding is a check error on no resource, and the database
// audit in RDS mode, with n/a findings. Each report carries
// an active and an expired waiver where it has failures to waive, and is
// written twice: as GitHub gets it (the default) and with passes and
// waived results. GitHub code scanning rejected every file opskit wrote
// before (issue 18); there must be no error now.
func TestSARIFGitHub(t *testing.T) {
	bin := sarifMultitool(t)
	reports := map[string]*audit.Report{
		"database":       databaseReport(t, database.AuditSelfManaged),
		"database-rds":   databaseReport(t, database.AuditRDS),
		"access-host":    hostReport(t),
		"resource-error": resourceErrorReport(),
	}
	dir := t.TempDir()
	var files []string
	for name, r := range reports {
		for suffix, opts := range map[string]audit.SARIFOptions{"": {}, "-all": {Passes: true, Waived: true, NotApplicable: true}} {
			var buf bytes.Buffer
			if err := r.WriteSARIF(&buf, opts); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			path := filepath.Join(dir, name+suffix+".sarif")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, path)
		}
	}
	// A log with a result that has no physical location, as opskit wrote
	// them before: the validator must reject it, or a clean run proves
	// nothing.
	bad := filepath.Join(dir, "control-no-location.sarif")
	if err := os.WriteFile(bad, []byte(controlLog), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, bad)

	start := time.Now()
	found := validateSARIF(t, bin, files)
	t.Logf("multitool validated %d files in %v", len(files), time.Since(start).Round(time.Millisecond))
	var controlErrors int
	for _, v := range found {
		switch {
		case v.file == filepath.Base(bad):
			if v.level == "error" {
				controlErrors++
			}
		case v.level == "error":
			t.Errorf("%s: %s %s: %s", v.file, v.level, v.rule, v.text)
		default:
			t.Logf("%s: %s %s: %s", v.file, v.level, v.rule, v.text)
		}
	}
	if controlErrors == 0 {
		t.Errorf("the multitool reported no error for %s, a result without a physical location; are the GitHub rules on?", filepath.Base(bad))
	}
}

const controlLog = `{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "opskit", "rules": [
 {"id": "x.y", "shortDescription": {"text": "x"}, "fullDescription": {"text": "x"}, "help": {"text": "x"}}]}},
 "results": [{"ruleId": "x.y", "level": "error", "message": {"text": "x."},
  "locations": [{"logicalLocations": [{"fullyQualifiedName": "host db1"}]}],
  "partialFingerprints": {"primaryLocationLineHash": "0123456789abcdef:1"}}]}]}`

// databaseReport audits the real PostgreSQL primary, in RDS mode too
// (whose n/a findings become results of kind notApplicable).
func databaseReport(t *testing.T, mode database.AuditMode) *audit.Report {
	t.Helper()
	pg := testenv.PostgreSQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, pg.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	start := time.Now()
	findings, err := database.Audit(ctx, conn, database.AuditOptions{Files: database.LocalFiles{}, Mode: mode})
	if err != nil {
		t.Fatal(err)
	}
	if mode == database.AuditRDS && audit.Summarize(findings).NotApplicable == 0 {
		t.Fatal("the RDS-mode report has no n/a finding to validate")
	}
	r := &database.Report{Tool: database.Tool{Name: "opskit", Version: "0.0.0-test", InformationURI: "https://github.com/opskit-dev/opskit"}, Name: "database", Target: "127.0.0.1:5432",
		Started: start, Finished: time.Now(), Checks: database.Checks(), Findings: findings}
	if mode == database.AuditRDS {
		r.Checks = database.RDSChecks()
	}
	waive(t, r)
	return r
}

// hostReport audits a real SSH host.
func hostReport(t *testing.T) *audit.Report {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " opskit-sarif-test"
	env := testenv.SSHHosts(t, 1, line)[0]
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(kh, []byte(env.KnownHosts()), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := sshhost.New(env.Addr, sshhost.Config{KnownHostsFile: kh, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	findings, err := access.AuditHost(ctx, h, access.HostAuditOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := &access.Report{Tool: access.Tool{Name: "opskit", Version: "0.0.0-test", InformationURI: "https://github.com/opskit-dev/opskit"}, Name: "access.host", Target: h.Name(),
		Started: start, Finished: time.Now(), Checks: access.HostChecks(), Findings: findings}
	waive(t, r)
	return r
}

// resourceErrorReport holds one check error on no resource: the check
// could not even name what it looked at.
func resourceErrorReport() *audit.Report {
	c := audit.Checker[struct{}]{
		Check: audit.Check{ID: "secrets.vault.audit_device", Title: "Vault has no audit device", Severity: audit.SeverityMedium},
		Func: func(context.Context, struct{}) ([]audit.Finding, error) {
			return nil, errors.New("vault: connection refused")
		},
	}
	start := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	return &audit.Report{Tool: audit.Tool{Name: "opskit", Version: "0.0.0-test", InformationURI: "https://github.com/opskit-dev/opskit"}, Name: "secrets", Target: "vault.internal:8200",
		Started: start, Finished: start.Add(time.Second), Checks: []audit.Check{c.Check},
		Findings: audit.Run(context.Background(), struct{}{}, c)}
}

// waive gives r an active waiver for its first failure and an expired one
// for its second, as a team wiring audits into CI would have, then sorts.
func waive(t *testing.T, r *audit.Report) {
	t.Helper()
	now := time.Now()
	var waivers []audit.Waiver
	for _, f := range r.Findings {
		if f.Status != audit.StatusFail {
			continue
		}
		w := audit.Waiver{CheckID: f.CheckID, Resource: f.Resource, Reason: "accepted for the test, OPS-1", Expires: now.Add(24 * time.Hour)}
		if len(waivers) == 1 {
			w.Reason, w.Expires = "was accepted until yesterday", now.Add(-24*time.Hour)
		}
		waivers = append(waivers, w)
		if len(waivers) == 2 {
			break
		}
	}
	r.ApplyWaivers(now, waivers)
	r.Sort()
	s := r.Summary()
	t.Logf("%s report: %d findings, %d fail, %d error, %d waived, %d pass, %d n/a", r.Name, s.Total, s.Fail, s.Error, s.Waived, s.Pass, s.NotApplicable)
}
