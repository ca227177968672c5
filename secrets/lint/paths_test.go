package lint_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/secrets/lint"
)

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
