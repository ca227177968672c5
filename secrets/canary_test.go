package secrets_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/driver"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

const canary = "CANARY-7f3e9b1c-do-not-print"

// canarySink collects everything public paths print or return, so
// TestCanary can check the canary appears nowhere.
type canarySink struct{ bytes.Buffer }

func (c *canarySink) add(parts ...any) {
	for _, p := range parts {
		if err, ok := p.(error); ok && err != nil {
			c.WriteString(err.Error())
			continue
		}
		for _, f := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			fmt.Fprintf(c, f+"\n", p)
		}
		j, _ := json.Marshal(p)
		c.Write(j)
		y, _ := yaml.Marshal(p)
		c.Write(y)
		slog.New(slog.NewJSONHandler(c, nil)).Info("x", "v", p)
		slog.New(slog.NewTextHandler(c, nil)).Info("x", "v", p)
	}
}

func (c *canarySink) check(t *testing.T) {
	t.Helper()
	if c.Len() == 0 {
		t.Fatal("canary sink is empty: the test checked nothing")
	}
	if bytes.Contains(c.Bytes(), []byte(canary)) {
		i := bytes.Index(c.Bytes(), []byte(canary))
		t.Fatalf("canary leaked at byte %d of %d of collected output", i, c.Len())
	}
}

func TestCanary(t *testing.T) {
	ctx := context.Background()
	var sink canarySink
	s := secretsfake.NewStore()
	v := secrets.NewValue([]byte(canary))
	ver, err := s.Put(ctx, "app/db", v, secrets.PutOptions{})
	sink.add(ver, err, v, &v, []secrets.Value{v}, map[string]secrets.Value{"k": v})
	got, err := s.Get(ctx, "app/db")
	if got.Value.Reveal() != canary {
		t.Fatalf("Get returned the wrong value (err %v)", err)
	}
	sink.add(got, &got, err, []secrets.Secret{got}, struct{ S secrets.Secret }{got})

	// Errors on paths whose input holds the canary.
	big := secrets.NewValue([]byte(strings.Repeat(canary, secrets.MaxValueSize/len(canary)+1)))
	_, err = s.Put(ctx, "app/db", big, secrets.PutOptions{})
	sink.add(err)
	_, err = s.Put(ctx, "app db", v, secrets.PutOptions{})
	sink.add(err)
	_, err = s.GetStage(ctx, "app/db", "nope")
	sink.add(err)
	// A backend that quotes the value in its error is scrubbed.
	echo := secrets.New(echoBackend{secretsfake.New()}, secrets.Options{})
	_, err = echo.Put(ctx, "app/db", v, secrets.PutOptions{})
	if !errors.Is(err, secrets.ErrInvalid) {
		t.Fatalf("scrubbed error = %v; want it to match ErrInvalid still", err)
	}
	sink.add(err)
	canaryPaths(ctx, &sink, t.TempDir())
	sink.check(t)

	// The check itself can fail: a raw string is caught.
	var raw canarySink
	raw.add(canary)
	if !bytes.Contains(raw.Bytes(), []byte(canary)) {
		t.Fatal("sink does not record what it is given")
	}
}

// echoBackend refuses every Put with an error that quotes the value, as
// some validation errors do.
type echoBackend struct{ *secretsfake.Backend }

func (echoBackend) Put(_ context.Context, _ string, value []byte, _ []string) (driver.Version, error) {
	return driver.Version{}, fmt.Errorf("value %q too long: %w", value, driver.ErrInvalid)
}

func TestValueZero(t *testing.T) {
	b := []byte("abc")
	v := secrets.NewValue(b)
	c := v
	v.Zero()
	if !bytes.Equal(c.Bytes(), []byte{0, 0, 0}) {
		t.Fatalf("Zero left %q in a copy", c.Bytes())
	}
}
