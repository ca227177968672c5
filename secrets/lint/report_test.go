package lint_test

import (
	"bytes"
	"encoding/json"
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
