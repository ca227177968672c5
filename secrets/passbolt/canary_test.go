package passbolt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/passbolt"
)

const canary = "CANARY-5d1c8e2a-do-not-print"

// sink collects every printed form of what the public API returns.
type sink struct{ bytes.Buffer }

func (s *sink) add(parts ...any) {
	for _, p := range parts {
		if err, ok := p.(error); ok && err != nil {
			s.WriteString(err.Error())
			continue
		}
		for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			fmt.Fprintf(s, f+"\n", p)
		}
		j, _ := json.Marshal(p)
		s.Write(j)
		slog.New(slog.NewJSONHandler(s, nil)).Info("x", "v", p)
		slog.New(slog.NewTextHandler(s, nil)).Info("x", "v", p)
	}
}

func (s *sink) check(t *testing.T, needles ...string) {
	t.Helper()
	if s.Len() == 0 {
		t.Fatal("sink is empty: the test checked nothing")
	}
	for _, n := range needles {
		if i := bytes.Index(s.Bytes(), []byte(n)); i >= 0 {
			t.Fatalf("%q leaked at byte %d of %d of collected output", n, i, s.Len())
		}
	}
}

// TestCanary: a secret and the user's private key never appear in what
// the client returns, prints or logs, errors included.
func TestCanary(t *testing.T) {
	e := newEnv(t, "alice", "bob")
	ctx := context.Background()
	var out sink
	o := e.options("alice")
	out.add(o, &o)
	c := e.dial("alice")
	sec := passbolt.Secret{Password: secrets.NewValue([]byte(canary)), Description: secrets.NewValue([]byte(canary + "-desc"))}
	out.add(sec, &sec)

	r, err := c.CreateResource(ctx, passbolt.ResourceInput{Name: "db"}, sec)
	out.add(r, err)
	got, s, err := c.ReadResource(ctx, r.ID)
	if s.Password.Reveal() != canary {
		t.Fatalf("ReadResource returned the wrong secret (err %v)", err)
	}
	out.add(got, s, &s, err, []passbolt.Secret{s})

	// Error paths whose input holds the canary.
	_, err = c.CreateResource(ctx, passbolt.ResourceInput{Name: "x"}, passbolt.Secret{Password: secrets.NewValue([]byte(strings.Repeat(canary, 200)))})
	out.add(err)
	_, err = c.CreateResource(ctx, passbolt.ResourceInput{Name: "x", ResourceTypeID: passbolt.TypePasswordString}, sec)
	out.add(err)
	_, err = c.UpdateResource(ctx, "2b8e1c52-7f0e-4c1a-9d5e-2f6a7b8c9d0e", passbolt.ResourceInput{Name: "x", ResourceTypeID: passbolt.TypePasswordAndDescription}, &sec)
	out.add(err)
	_, err = c.Share(ctx, r.ID, passbolt.GrantUser(e.users["bob"].ID, passbolt.Read))
	out.add(err)
	_, _, err = e.dial("bob").ReadResource(ctx, r.ID)
	out.add(err)
	bad := e.options("alice")
	bad.PrivateKey = secrets.NewValue([]byte(protect(t, e.users["alice"].PrivateKey, "right")))
	bad.Passphrase = secrets.NewValue([]byte(canary))
	_, err = passbolt.Dial(ctx, bad)
	if err == nil {
		t.Fatal("Dial with a wrong passphrase succeeded")
	}
	out.add(err, bad)
	out.check(t, canary, "PRIVATE KEY BLOCK", strings.Split(e.users["alice"].PrivateKey, "\n")[3])

	// The check itself can fail.
	var raw sink
	raw.add(canary)
	if !bytes.Contains(raw.Bytes(), []byte(canary)) {
		t.Fatal("sink does not record what it is given")
	}
}
