package lint_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets/lint"
)

// corpusDir and corpusLabels are the labelled corpus: snippets written
// for this test with synthetic secrets planted in half of them.
const (
	corpusDir    = "testdata/corpus"
	corpusLabels = "testdata/corpus.tsv"
)

// lineRange is one planted secret: the lines it covers.
type lineRange struct{ from, to int }

// corpusFile is one labelled snippet.
type corpusFile struct {
	path    string // under corpusDir, slash-separated
	secret  bool
	secrets []lineRange
	batch   string // "1": tuned against; "2": held out
}

func loadCorpus(t *testing.T) []corpusFile {
	t.Helper()
	f, err := os.Open(corpusLabels)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusFile
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 || (cols[1] != "secret" && cols[1] != "clean") || (cols[3] != "1" && cols[3] != "2") {
			t.Fatalf("%s: bad line %q", corpusLabels, line)
		}
		cf := corpusFile{path: cols[0], secret: cols[1] == "secret", batch: cols[3]}
		if cols[2] != "-" {
			for _, r := range strings.Split(cols[2], ",") {
				a, b, ok := strings.Cut(r, "-")
				from, err1 := strconv.Atoi(a)
				to := from
				var err2 error
				if ok {
					to, err2 = strconv.Atoi(b)
				}
				if err1 != nil || err2 != nil || to < from {
					t.Fatalf("%s: bad range %q", corpusLabels, r)
				}
				cf.secrets = append(cf.secrets, lineRange{from, to})
			}
		}
		if cf.secret != (len(cf.secrets) > 0) {
			t.Fatalf("%s: %s labelled %s with lines %q", corpusLabels, cf.path, cols[1], cols[2])
		}
		out = append(out, cf)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	// Every file in the corpus is labelled, and every label has a file.
	seen := map[string]bool{}
	for _, cf := range out {
		seen[cf.path] = true
		if _, err := os.Stat(filepath.Join(corpusDir, cf.path)); err != nil {
			t.Fatalf("%s: %v", corpusLabels, err)
		}
	}
	err = filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(corpusDir, p)
			if !seen[filepath.ToSlash(rel)] {
				return fmt.Errorf("%s is not labelled in %s", p, corpusLabels)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// location is a line a tool reported.
type location struct {
	path string
	line int
}

// score is one tool's result on the corpus, line by line: a reported
// line inside a planted secret is a true positive, any other reported
// line a false positive; a planted secret with no reported line in it is
// missed.
type score struct {
	tool                 string
	tp, fp, found, total int
	filesFlagged         int // clean files with a false positive
	misses, falseAlarms  []string
}

func (s score) precision() float64 { return ratio(s.tp, s.tp+s.fp) }
func (s score) recall() float64    { return ratio(s.found, s.total) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func scoreTool(tool string, corpus []corpusFile, reported []location) score {
	s := score{tool: tool}
	byPath := map[string]corpusFile{}
	for _, cf := range corpus {
		byPath[cf.path] = cf
		s.total += len(cf.secrets)
	}
	dedup := map[location]bool{}
	hit := map[string]map[lineRange]bool{}
	flagged := map[string]bool{}
	for _, loc := range reported {
		if dedup[loc] {
			continue
		}
		dedup[loc] = true
		cf, ok := byPath[loc.path]
		if !ok {
			continue // a file outside this part of the corpus
		}
		in := false
		for _, r := range cf.secrets {
			if r.from <= loc.line && loc.line <= r.to {
				in = true
				if hit[loc.path] == nil {
					hit[loc.path] = map[lineRange]bool{}
				}
				hit[loc.path][r] = true
			}
		}
		if in {
			s.tp++
			continue
		}
		s.fp++
		s.falseAlarms = append(s.falseAlarms, fmt.Sprintf("%s:%d", loc.path, loc.line))
		if !cf.secret {
			flagged[loc.path] = true
		}
	}
	s.filesFlagged = len(flagged)
	for _, cf := range corpus {
		for _, r := range cf.secrets {
			if hit[cf.path][r] {
				s.found++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("%s:%d", cf.path, r.from))
			}
		}
	}
	sort.Strings(s.falseAlarms)
	return s
}

// heldOutOnly returns the files of batch 2, written after the linter was
// tuned on batch 1 (corpus.tsv says how it was used).
func heldOutOnly(corpus []corpusFile) []corpusFile {
	var out []corpusFile
	for _, cf := range corpus {
		if cf.batch == "2" {
			out = append(out, cf)
		}
	}
	return out
}

func logTable(t *testing.T, title string, scores []score) {
	t.Helper()
	t.Logf("%s:", title)
	t.Logf("  %-28s %9s %7s %5s %5s %7s %20s", "tool", "precision", "recall", "TP", "FP", "missed", "clean files flagged")
	for _, s := range scores {
		t.Logf("  %-28s %9.3f %7.3f %5d %5d %7d %20d", s.tool, s.precision(), s.recall(), s.tp, s.fp, s.total-s.found, s.filesFlagged)
	}
}

// opskitLocations lints every corpus file and returns the lines of the
// failing findings, checking on the way that each has a file:line
// resource and redacted evidence.
func opskitLocations(t *testing.T, corpus []corpusFile) []location {
	t.Helper()
	l := lint.New(lint.Options{})
	var out []location
	for _, cf := range corpus {
		src, err := os.ReadFile(filepath.Join(corpusDir, cf.path))
		if err != nil {
			t.Fatal(err)
		}
		findings, err := l.File(cf.path, src)
		if err != nil {
			t.Fatalf("%s: %v", cf.path, err)
		}
		for _, f := range findings {
			if f.Status != lint.StatusFail {
				continue
			}
			p, n, ok := strings.Cut(f.Resource, ":")
			line, err := strconv.Atoi(n)
			if !ok || err != nil || p != cf.path {
				t.Fatalf("%s: finding resource %q is not %s:LINE", cf.path, f.Resource, cf.path)
			}
			out = append(out, location{p, line})
		}
	}
	return out
}

// gitleaksPath finds gitleaks: $OPSKIT_GITLEAKS, the path
// internal/testenv/services.sh installs it to, or $PATH.
func gitleaksPath() (string, error) {
	if p := os.Getenv("OPSKIT_GITLEAKS"); p != "" {
		return p, nil
	}
	if _, err := os.Stat("/opt/opskit/bin/gitleaks"); err == nil {
		return "/opt/opskit/bin/gitleaks", nil
	}
	return exec.LookPath("gitleaks")
}

// gitleaksLocations runs `gitleaks dir` with its default rules on the
// corpus and returns the lines it reported.
func gitleaksLocations(t *testing.T, bin string) []location {
	t.Helper()
	abs, err := filepath.Abs(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir() // no .gitleaksignore or .gitleaks.toml is picked up from here
	report := filepath.Join(work, "gitleaks.json")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "dir", abs, "--report-format", "json", "--report-path", report,
		"--exit-code", "0", "--no-banner", "--log-level", "error", "--redact")
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "GITLEAKS_CONFIG=", "GITLEAKS_CONFIG_TOML=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gitleaks: %v\n%s", err, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var leaks []struct {
		File      string `json:"File"`
		StartLine int    `json:"StartLine"`
		RuleID    string `json:"RuleID"`
	}
	if err := json.Unmarshal(data, &leaks); err != nil {
		t.Fatalf("gitleaks report: %v", err)
	}
	var out []location
	for _, lk := range leaks {
		rel, err := filepath.Rel(abs, lk.File)
		if err != nil || strings.HasPrefix(rel, "..") {
			t.Fatalf("gitleaks reported %q, outside %s", lk.File, abs)
		}
		out = append(out, location{filepath.ToSlash(rel), lk.StartLine})
	}
	return out
}

// TestLintCorpus measures the linter on the labelled corpus beside
// gitleaks with its default rules, line by line, and requires recall at
// least gitleaks's and higher precision.
func TestLintCorpus(t *testing.T) {
	corpus := loadCorpus(t)
	var secret, clean, docker, compose, env int
	for _, cf := range corpus {
		if cf.secret {
			secret++
		} else {
			clean++
		}
		switch lint.KindOf(cf.path) {
		case lint.KindDockerfile:
			docker++
		case lint.KindCompose:
			compose++
		case lint.KindEnv:
			env++
		default:
			t.Fatalf("%s: no known kind", cf.path)
		}
	}
	if len(corpus) < 200 || secret < len(corpus)*2/5 || clean < len(corpus)*2/5 {
		t.Fatalf("corpus has %d files (%d with secrets, %d clean): want at least 200, about half each", len(corpus), secret, clean)
	}
	start := time.Now()
	oursLocs := opskitLocations(t, corpus)
	oursTime := time.Since(start)
	ours := scoreTool("opskit secrets/lint", corpus, oursLocs)
	scores := []score{ours}
	heldOut := heldOutOnly(corpus)
	heldOutScores := []score{scoreTool("opskit secrets/lint", heldOut, oursLocs)}

	bin, err := gitleaksPath()
	var theirs *score
	var theirsTime time.Duration
	switch {
	case err == nil:
		start = time.Now()
		locs := gitleaksLocations(t, bin)
		theirsTime = time.Since(start)
		s := scoreTool("gitleaks 8 (default rules)", corpus, locs)
		theirs = &s
		scores = append(scores, s)
		heldOutScores = append(heldOutScores, scoreTool("gitleaks 8 (default rules)", heldOut, locs))
	case testenv.Integration():
		t.Fatalf("gitleaks not found (%v): %s=1 needs it; `make services` installs it to /opt/opskit/bin", err, testenv.EnvIntegration)
	default:
		t.Logf("gitleaks not found (%v): the comparison is skipped; %s", err, testenv.StartHint)
	}

	t.Logf("corpus: %d files (%d Dockerfiles, %d compose, %d env), %d with %d planted secrets, %d clean",
		len(corpus), docker, compose, env, secret, ours.total, clean)
	logTable(t, "whole corpus", scores)
	logTable(t, fmt.Sprintf("batch 2 (%d files, %d secrets)", len(heldOut), heldOutScores[0].total), heldOutScores)
	t.Logf("time: opskit %v, gitleaks %v", oursTime.Round(time.Millisecond), theirsTime.Round(time.Millisecond))
	for _, s := range scores {
		t.Logf("%s missed: %s", s.tool, strings.Join(s.misses, " "))
		t.Logf("%s false alarms: %s", s.tool, strings.Join(s.falseAlarms, " "))
	}

	// Floors for the linter alone, so a regression shows without gitleaks.
	if ours.recall() < 0.9 || ours.precision() < 0.9 {
		t.Errorf("opskit: precision %.3f, recall %.3f: want both at least 0.9", ours.precision(), ours.recall())
	}
	if theirs == nil {
		return
	}
	if theirs.tp == 0 {
		t.Fatalf("gitleaks found none of the planted secrets: its run is broken, not measured")
	}
	if ours.recall() < theirs.recall() {
		t.Errorf("recall %.3f is below gitleaks's %.3f", ours.recall(), theirs.recall())
	}
	if ours.precision() <= theirs.precision() {
		t.Errorf("precision %.3f is not above gitleaks's %.3f", ours.precision(), theirs.precision())
	}
}
