package lint_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets/lint"
)

// TestEvidenceRedacted plants a fresh value in every place the linter
// reads and checks that no report format, and no finding field, shows
// any of them.
func TestEvidenceRedacted(t *testing.T) {
	pw := "Cn" + randomAlnum(t, 14)
	tok := "ghp_" + randomAlnum(t, 36)
	key := randomAlnum(t, 30)
	pemBody := randomAlnum(t, 64)
	canaries := []string{pw, tok, key, pemBody}
	files := map[string]string{
		"Dockerfile": "FROM scratch\nENV DB_PASSWORD=" + pw + " GH=" + tok + "\nARG API_KEY=" + key + "\n" +
			"RUN curl -u admin:" + pw + " https://x && mysql -p" + pw + " && echo " + tok + "\n" +
			"RUN cat > /k <<EOF\n-----BEGIN RSA PRIVATE KEY-----\n" + pemBody + "\n-----END RSA PRIVATE KEY-----\nEOF\n" +
			"LABEL k=" + tok + "\nCMD [\"app\", \"--password\", \"" + pw + "\"]\n",
		"compose.yaml": "services:\n  a:\n    environment:\n      DB_PASSWORD: " + pw + "\n      - X=" + tok + "\n" +
			"    build:\n      args:\n        API_KEY: " + key + "\n    command: app --token " + key + "\n",
		".env": "DB_PASSWORD=" + pw + "\nSETTING=" + key + "\nPRIVATE_KEY=\"-----BEGIN RSA PRIVATE KEY-----\n" + pemBody + "\n-----END RSA PRIVATE KEY-----\"\n",
	}
	// The compose file above is not valid YAML (a list item in a
	// mapping); the error must not quote it either.
	l := lint.New(lint.Options{})
	var all []lint.Finding
	var sink bytes.Buffer
	for name, src := range files {
		f, err := l.File(name, []byte(src))
		if err != nil {
			sink.WriteString(err.Error())
			continue
		}
		all = append(all, f...)
	}
	fixed := strings.Replace(files["compose.yaml"], "      - X=", "      X: ", 1)
	f, err := l.Compose("compose.yaml", []byte(fixed))
	if err != nil {
		t.Fatal(err)
	}
	all = append(all, f...)
	failing := 0
	for _, f := range all {
		if f.Status == lint.StatusFail {
			failing++
		}
	}
	if failing < 10 {
		t.Fatalf("only %d failing findings: the planted values were not found, so redaction was not tested", failing)
	}
	r := &lint.Report{Tool: lint.Tool{Name: "opskit"}, Target: "repo", Checks: lint.Checks(), Findings: all,
		Started: time.Unix(0, 0), Finished: time.Unix(1, 0)}
	for _, format := range []lint.Format{lint.FormatTable, lint.FormatJSON, lint.FormatSARIF, lint.FormatJUnit} {
		if err := r.Write(&sink, format); err != nil {
			t.Fatal(err)
		}
	}
	j, _ := json.Marshal(all)
	sink.Write(j)
	for _, c := range canaries {
		if i := bytes.Index(sink.Bytes(), []byte(c)); i >= 0 {
			lo := max(0, i-80)
			t.Errorf("a planted value leaked into the output: ...%s...", strings.ReplaceAll(sink.String()[lo:i], c, "<canary>"))
		}
	}
}

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

// TestInvalidInput: input the linter cannot read is an *InvalidError
// that names the input and does not quote it.
func TestInvalidInput(t *testing.T) {
	l := lint.New(lint.Options{})
	secret := "Zq8rT2mWx9LpV4sKd7NfB3hJ"
	for name, call := range map[string]func() error{
		"unknown kind": func() error { _, err := l.File("notes.txt", []byte(secret)); return err },
		"bad Dockerfile": func() error {
			_, err := l.Dockerfile("Dockerfile", []byte("FROM scratch\nRUN <<EOF\necho "+secret+"\n"))
			return err
		},
		"bad YAML":    func() error { _, err := l.Compose("compose.yaml", []byte("services: [\n  "+secret)); return err },
		"empty image": func() error { _, err := l.Image(context.Background(), nil, " "); return err },
	} {
		err := call()
		var ie *lint.InvalidError
		if !errors.As(err, &ie) || !errors.Is(err, lint.ErrInvalid) {
			t.Errorf("%s: %v, want an *InvalidError matching ErrInvalid", name, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "lint: ") || strings.Contains(err.Error(), secret) {
			t.Errorf("%s: %q", name, err)
		}
	}
}

// TestPaths walks a directory, lints the files of known kinds only, and
// stops when the context is cancelled.
func TestPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile", "FROM scratch\nENV DB_PASSWORD=Summer2024!\n")
	write("deploy/docker-compose.yml", "services:\n  a:\n    environment:\n      TOKEN: Summer2024!\n")
	write("deploy/.env.prod", "SECRET=Summer2024!\n")
	write("README.md", "DB_PASSWORD=Summer2024!\n")
	write("node_modules/x/Dockerfile", "FROM scratch\nENV DB_PASSWORD=Summer2024!\n")
	var seen []string
	l := lint.New(lint.Options{Progress: func(done int, p string) { seen = append(seen, p) }})
	got, err := l.Paths(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 3 {
		t.Errorf("linted %v, want the Dockerfile, the compose file and the env file", seen)
	}
	var fails []string
	for _, f := range got {
		if f.Status == lint.StatusFail {
			fails = append(fails, strings.TrimPrefix(f.Resource, dir+"/"))
		}
	}
	want := "Dockerfile:2 deploy/.env.prod:1 deploy/docker-compose.yml:4"
	if strings.Join(fails, " ") != want {
		t.Errorf("failures %v, want %s", fails, want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Paths(ctx, dir); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: %v, want context.Canceled", err)
	}
}
