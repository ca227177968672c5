package lint_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/opskit-dev/opskit/secrets/lint"
)

// dockleNames is the name list Dockle's CIS-DI-0010 applies to ENV keys
// (GPG_KEY and GPG_KEYS exempt), the kind of list hadolint's DL3064 and
// BuildKit's SecretsUsedInArgOrEnv use too.
var dockleNames = regexp.MustCompile(`(?i)PASS|PASSWD|PASSWORD|SECRET|KEY|ACCESS|TOKEN`)

// nameListLocations reports every ENV and ARG name on the list, the
// baseline the linter's name judgement is measured against.
func nameListLocations(t *testing.T, corpus []corpusFile) []location {
	t.Helper()
	var out []location
	for _, cf := range corpus {
		if lint.KindOf(cf.path) != lint.KindDockerfile {
			continue
		}
		f, err := os.Open(filepath.Join(corpusDir, cf.path))
		if err != nil {
			t.Fatal(err)
		}
		res, err := parser.Parse(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", cf.path, err)
		}
		for _, n := range res.AST.Children {
			instr := strings.ToLower(n.Value)
			if instr != "env" && instr != "arg" {
				continue
			}
			for x := n.Next; x != nil; x = x.Next {
				name, _, _ := strings.Cut(x.Value, "=")
				if instr == "env" && x.Next != nil {
					x = x.Next // skip the value; ENV nodes are key, value, separator
					if x.Next != nil && (x.Next.Value == "=" || x.Next.Value == "") {
						x = x.Next
					}
				}
				up := strings.ToUpper(name)
				if dockleNames.MatchString(up) && up != "GPG_KEY" && up != "GPG_KEYS" {
					out = append(out, location{cf.path, n.StartLine})
					break
				}
			}
		}
	}
	return out
}

// TestNameList compares, on the corpus's Dockerfiles, the linter's
// ENV and ARG findings with a plain name list: the list flags USERNAME-
// like neighbours (PASSWORD_FILE, TOKEN_URL, KEY_VAULT_NAME, GPG keys,
// publishable keys) that the linter passes.
func TestNameList(t *testing.T) {
	corpus := loadCorpus(t)
	var dockerfiles []corpusFile
	for _, cf := range corpus {
		if lint.KindOf(cf.path) == lint.KindDockerfile {
			dockerfiles = append(dockerfiles, cf)
		}
	}
	// Only ENV and ARG lines count for both: the planted secrets on
	// other lines (COPY, RUN) are out of a name list's reach.
	envArg := envArgSecrets(t, dockerfiles)
	l := lint.New(lint.Options{})
	var ours []location
	for _, cf := range envArg {
		src, err := os.ReadFile(filepath.Join(corpusDir, cf.path))
		if err != nil {
			t.Fatal(err)
		}
		findings, err := l.Dockerfile(cf.path, src)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range findings {
			if f.Status == lint.StatusFail && (f.CheckID == "secrets.lint.dockerfile.env" || f.CheckID == "secrets.lint.dockerfile.arg") {
				_, n, _ := strings.Cut(f.Resource, ":")
				ours = append(ours, location{cf.path, atoi(t, n)})
			}
		}
	}
	s := []score{scoreTool("opskit secrets/lint", envArg, ours), scoreTool("name list (Dockle CIS-DI-0010)", envArg, nameListLocations(t, envArg))}
	logTable(t, "Dockerfile ENV and ARG lines", s)
	if s[0].precision() <= s[1].precision() || s[0].recall() < s[1].recall() {
		t.Errorf("the linter (precision %.3f, recall %.3f) does not beat a name list (%.3f, %.3f)",
			s[0].precision(), s[0].recall(), s[1].precision(), s[1].recall())
	}
}

// envArgSecrets keeps, of each Dockerfile, only the planted secrets on
// ENV and ARG lines.
func envArgSecrets(t *testing.T, files []corpusFile) []corpusFile {
	t.Helper()
	var out []corpusFile
	for _, cf := range files {
		src, err := os.ReadFile(filepath.Join(corpusDir, cf.path))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		kept := cf
		kept.secrets = nil
		for _, r := range cf.secrets {
			// The instruction a line belongs to: walk back over
			// continuation lines.
			i := r.from - 1
			for i > 0 && strings.HasSuffix(strings.TrimSpace(lines[i-1]), `\`) {
				i--
			}
			instr, _, _ := strings.Cut(strings.TrimSpace(lines[i]), " ")
			if u := strings.ToUpper(instr); u == "ENV" || u == "ARG" {
				kept.secrets = append(kept.secrets, r)
			}
		}
		out = append(out, kept)
	}
	return out
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			t.Fatalf("%q is not a line number", s)
		}
		n = n*10 + int(c-'0')
	}
	return n
}
