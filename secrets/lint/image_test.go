package lint_test

import (
	"context"
	"crypto/rand"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets/lint"
)

// randomAlnum returns n random letters and digits: planted values are
// made fresh for each run, so they can be no one's credential.
func randomAlnum(t *testing.T, n int) string {
	t.Helper()
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		x, err := rand.Int(rand.Reader, big.NewInt(int64(len(alpha))))
		if err != nil {
			t.Fatal(err)
		}
		b[i] = alpha[x.Int64()]
	}
	// Both cases and a digit, as real tokens have.
	copy(b, "aZ7")
	return string(b)
}

// fakeShell builds testdata/fakesh, the static /bin/sh of the test
// images.
func fakeShell(t *testing.T) []byte {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sh")
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = "/usr/local/go/bin/go"
	}
	cmd := exec.Command(gobin, "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "./testdata/fakesh")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build fakesh: %v\n%s", err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// buildImage builds dockerfile with files as its context on the real
// engine (the API's classic builder, no registry) and removes the image
// when t ends.
func buildImage(t *testing.T, cli *client.Client, name, dockerfile string, files map[string][]byte, args map[string]*string) string {
	t.Helper()
	return testenv.BuildImage(t, cli, "lint-"+name, dockerfile, files, client.ImageBuildOptions{BuildArgs: args, NoCache: true})
}

// TestLintImage builds one image with secrets planted in its config and
// history and one clean image on the real Docker engine, and lints both.
func TestLintImage(t *testing.T) {
	cli := testenv.Docker(t)
	sh := fakeShell(t)
	l := lint.New(lint.Options{})

	ghToken := "ghp_" + randomAlnum(t, 36)
	npmToken := "npm_" + randomAlnum(t, 36)
	apiKey := randomAlnum(t, 32)
	password := "Pw-" + randomAlnum(t, 12)
	planted := []string{ghToken, npmToken, apiKey, password}

	dirty := buildImage(t, cli, "dirty", `FROM scratch
COPY sh /bin/sh
ARG NPM_TOKEN
ENV GITHUB_TOKEN=`+ghToken+` APP_PORT=8080
LABEL com.acme.api-key="`+apiKey+`" org.opencontainers.image.title=app
RUN install-deps --registry https://registry.npmjs.org/
RUN fetch -u deploy:`+password+` https://artifacts.invalid/tool.tgz
COPY id_rsa /root/.ssh/id_rsa
`, map[string][]byte{"sh": sh, "id_rsa": []byte("not a key: the file name is what the check reads\n")},
		map[string]*string{"NPM_TOKEN": &npmToken})

	clean := buildImage(t, cli, "clean", `FROM scratch
COPY sh /bin/sh
ARG APP_VERSION
ENV APP_PORT=8080 DB_PASSWORD_FILE=/run/secrets/db_password GOPRIVATE=github.com/acme-corp/*
LABEL org.opencontainers.image.revision="0123456789abcdef0123456789abcdef01234567"
RUN install-deps --version "$APP_VERSION"
COPY config.yaml /etc/app/config.yaml
`, map[string][]byte{"sh": sh, "config.yaml": []byte("port: 8080\n")},
		map[string]*string{"APP_VERSION": ptr("1.2.3")})

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	got, err := l.Image(ctx, cli, dirty)
	if err != nil {
		t.Fatal(err)
	}
	fails := map[string][]string{}
	for _, f := range got {
		if f.Status == lint.StatusFail {
			fails[f.CheckID] = append(fails[f.CheckID], f.Resource+": "+f.Evidence)
		}
		for _, p := range planted {
			if strings.Contains(f.Resource+f.Evidence+f.Title, p) {
				t.Errorf("finding %s on %s shows a planted secret: %s", f.CheckID, f.Resource, f.Evidence)
			}
		}
	}
	for id, want := range map[string][]string{
		"secrets.lint.image.env":     {"env GITHUB_TOKEN: GitHub token"},
		"secrets.lint.image.label":   {"label com.acme.api-key: literal value under a secret-looking name"},
		"secrets.lint.image.history": {"ENV GITHUB_TOKEN", "LABEL com.acme.api-key", "build argument NPM_TOKEN", "user:password credentials", "SSH private key /root/.ssh/id_rsa"},
	} {
		all := strings.Join(fails[id], "\n")
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: no failure mentioning %q in:\n%s", id, w, all)
			}
		}
	}
	for id, fs := range fails {
		t.Logf("dirty image: %s:\n  %s", id, strings.Join(fs, "\n  "))
	}

	got, err = l.Image(ctx, cli, clean)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		if f.Status != lint.StatusPass {
			t.Errorf("clean image: %s %s on %s: %s", f.CheckID, f.Status, f.Resource, f.Evidence)
		}
	}
	if len(got) != 3 {
		t.Errorf("clean image: %d findings, want one pass per image check (3)", len(got))
	}
}

func ptr[T any](v T) *T { return &v }
