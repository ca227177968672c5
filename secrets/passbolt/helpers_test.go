package passbolt_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/passbolt"
	"github.com/opskit-dev/opskit/secrets/passbolt/passbolttest"
)

// clock is a settable clock shared by a test server and its clients.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a server with users, and a way to log each in.
type env struct {
	t     testing.TB
	srv   *passbolttest.Server
	clock *clock
	users map[string]passbolttest.User
}

func newEnv(t testing.TB, names ...string) *env {
	t.Helper()
	clk := newClock()
	srv, err := passbolttest.New(passbolttest.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv, clock: clk, users: map[string]passbolttest.User{}}
	for _, n := range names {
		u, err := srv.AddUser(n + "@example.com")
		if err != nil {
			t.Fatal(err)
		}
		e.users[n] = u
	}
	return e
}

func (e *env) options(name string) passbolt.Options {
	u := e.users[name]
	return passbolt.Options{
		URL: e.srv.URL(), UserID: u.ID, PrivateKey: secrets.NewValue([]byte(u.PrivateKey)),
		ServerFingerprint: e.srv.Fingerprint(), Now: e.clock.Now,
	}
}

func (e *env) dial(name string) *passbolt.Client {
	e.t.Helper()
	c, err := passbolt.Dial(context.Background(), e.options(name))
	if err != nil {
		e.t.Fatalf("Dial as %s: %v", name, err)
	}
	e.t.Cleanup(func() { _ = c.Close() })
	return c
}

func pw(s string) passbolt.Secret {
	return passbolt.Secret{Password: secrets.NewValue([]byte(s))}
}

// recorder is a Doer that records each request's path and status.
type recorder struct {
	mu   sync.Mutex
	seen []string
}

func (r *recorder) Do(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		r.mu.Lock()
		r.seen = append(r.seen, fmt.Sprintf("%s %d", req.URL.Path, resp.StatusCode))
		r.mu.Unlock()
	}
	return resp, err
}

// count is how many requests to path (any path when empty) got status.
func (r *recorder) count(path string, status int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.seen {
		p, code, _ := strings.Cut(s, " ")
		if (path == "" || p == path) && code == fmt.Sprint(status) {
			n++
		}
	}
	return n
}

func (r *recorder) log() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}
