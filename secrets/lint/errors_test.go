package lint_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/secrets/lint"
)

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
