package lint_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/opskit-dev/opskit/secrets/lint"
)

// BenchmarkCorpus lints the whole labelled corpus once per iteration,
// beside gitleaks (its default rules, as a process, as users run it) on
// the same files: read the ratio, not the absolute times.
func BenchmarkCorpus(b *testing.B) {
	b.Run("opskit", func(b *testing.B) {
		l := lint.New(lint.Options{})
		for b.Loop() {
			if _, err := l.Paths(context.Background(), corpusDir); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gitleaks", func(b *testing.B) {
		bin, err := gitleaksPath()
		if err != nil {
			b.Skipf("gitleaks not found: %v", err)
		}
		abs, err := filepath.Abs(corpusDir)
		if err != nil {
			b.Fatal(err)
		}
		report := filepath.Join(b.TempDir(), "gitleaks.json")
		for b.Loop() {
			cmd := exec.Command(bin, "dir", abs, "--report-format", "json", "--report-path", report,
				"--exit-code", "0", "--no-banner", "--log-level", "error")
			cmd.Dir = b.TempDir()
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("gitleaks: %v\n%s", err, out)
			}
		}
	})
}
