package access_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
)

// TestErrInvalid: every kind of bad input matches ErrInvalid, keeps the
// sentinel callers branch on, and says it comes from access.
func TestErrInvalid(t *testing.T) {
	_, teamErr := access.ParseTeamFile(context.Background(), "team.yaml", []byte("users:\n  - {name: Eve}\n"), access.LoadOptions{})
	opErr := access.Op{Kind: access.OpEnsureUser, User: "ok", Shell: "/bin/sh; id"}.Validate()
	keyErr := access.Op{Kind: access.OpSetKeys, User: "ok", Content: []byte(`command="id" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGr5d5Ad6aAOlR3r6Q0iU3Q+pNwV0ERj0j3vS8Jw3WcX x` + "\n")}.Validate()
	_, optErr := access.NewProvisioner(access.Options{Concurrency: -1})
	for _, c := range []struct {
		name string
		err  error
		kind error
	}{
		{"team file", teamErr, access.ErrInvalidUserName},
		{"op field", opErr, access.ErrInvalidField},
		{"op keys", keyErr, access.ErrKeyOptions},
		{"options", optErr, access.ErrInvalidOption},
	} {
		if !errors.Is(c.err, access.ErrInvalid) || !errors.Is(c.err, c.kind) {
			t.Errorf("%s: %v; want ErrInvalid and %v", c.name, c.err, c.kind)
		}
		for _, line := range strings.Split(c.err.Error(), "\n") {
			if !strings.HasPrefix(line, "access: ") || strings.Count(line, "access: ") != 1 {
				t.Errorf("%s: message %q; want one access: prefix", c.name, line)
			}
		}
	}
	var ie *access.InvalidError
	if !errors.As(opErr, &ie) || ie.Field != "shell" || ie.Input != `op "user ok"` {
		t.Errorf("op error = %#v; want an *InvalidError naming the op and field", opErr)
	}
	var ve *access.ValidationError
	if !errors.As(teamErr, &ve) || ve.Line != 2 {
		t.Errorf("team file error = %#v; want a *ValidationError on line 2", teamErr)
	}
	if errors.Is(&access.HostError{Host: "h", Err: access.ErrHost}, access.ErrInvalid) {
		t.Error("a host error matches ErrInvalid")
	}
}
