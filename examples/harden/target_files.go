package main

import (
	"context"
	"strings"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/secrets/lint"
)

// scanTarget lints the Dockerfiles, compose files and env files under path.
func scanTarget(path string) target {
	return target{name: "files " + path, checks: fileChecks(), audit: func(ctx context.Context) ([]access.Finding, error) {
		return lint.New(lint.Options{}).Paths(ctx, path)
	}}
}

func fileChecks() []access.Check {
	var out []access.Check
	for _, c := range lint.Checks() {
		if !strings.HasPrefix(c.ID, "secrets.lint.image.") {
			out = append(out, c)
		}
	}
	return out
}
