package passbolt_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets/passbolt"
	"github.com/opskit-dev/opskit/secrets/passbolt/passbolttest"
)

// rewriter is a Doer that edits the body of /auth/verify.json replies, as
// a machine in the middle would.
type rewriter struct {
	edit func(body map[string]any)
}

func (rw rewriter) Do(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil || !strings.HasSuffix(req.URL.Path, "/auth/verify.json") {
		return resp, err
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var env map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, err
	}
	rw.edit(env["body"].(map[string]any))
	raw, _ = json.Marshal(env)
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	return resp, nil
}

// TestServerKeyPinned: the client trusts only the server key whose
// fingerprint it pinned. A swapped key is refused at Dial and at a later
// login; a reply that claims the pinned fingerprint over another key is
// refused too (the fingerprint is computed from the key).
func TestServerKeyPinned(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, "alice")
	pinned := e.srv.Fingerprint()

	// Pinned key: accepted, in any case and with spaces.
	o := e.options("alice")
	o.ServerFingerprint = strings.ToLower(pinned[:20]) + " " + pinned[20:]
	c, err := passbolt.Dial(ctx, o)
	if err != nil {
		t.Fatalf("Dial with the pinned key: %v", err)
	}
	defer c.Close()

	// Another server's key presented under the pinned fingerprint.
	other, err := passbolttest.New(passbolttest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	o = e.options("alice")
	o.HTTP = rewriter{edit: func(b map[string]any) { b["keydata"] = other.PublicKey() }}
	_, err = passbolt.Dial(ctx, o)
	var ke *passbolt.ServerKeyError
	if !errors.As(err, &ke) || ke.Got != other.Fingerprint() || ke.Pinned != pinned {
		t.Fatalf("Dial with a substituted key claiming the pinned fingerprint = %v; want *ServerKeyError naming %s", err, other.Fingerprint())
	}
	// The pinned key with a fingerprint field that disagrees.
	o.HTTP = rewriter{edit: func(b map[string]any) { b["fingerprint"] = other.Fingerprint() }}
	if _, err := passbolt.Dial(ctx, o); !errors.Is(err, passbolt.ErrServerKey) {
		t.Fatalf("Dial with a fingerprint field that is not the key's = %v; want ErrServerKey", err)
	}

	// The server's key swapped: a new Dial refuses, and so does the
	// logged-in client when it next has to log in.
	if err := e.srv.RotateKey(); err != nil {
		t.Fatal(err)
	}
	fresh, err := passbolt.Dial(ctx, e.options("alice")) // pins the new key
	if err != nil {
		t.Fatalf("Dial pinning the new key: %v", err)
	}
	fresh.Close()
	o = e.options("alice")
	o.ServerFingerprint = pinned
	_, err = passbolt.Dial(ctx, o)
	if !errors.As(err, &ke) || ke.Got == pinned || !errors.Is(err, passbolt.ErrServerKey) {
		t.Fatalf("Dial after the server key was swapped = %v; want ErrServerKey", err)
	}
	if strings.Contains(err.Error(), "PRIVATE") {
		t.Fatalf("error carries key material: %v", err)
	}
	e.clock.Advance(40 * 24 * time.Hour) // past the refresh token: c must log in again
	if _, err := c.Me(ctx); !errors.Is(err, passbolt.ErrServerKey) {
		t.Fatalf("re-login after the key was swapped = %v; want ErrServerKey", err)
	}
}
