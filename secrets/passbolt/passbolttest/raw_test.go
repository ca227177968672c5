package passbolttest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// raw is a hand-driven HTTP client for the server's own tests: it builds
// every request itself so tests can send what a correct client never
// would.
type raw struct {
	t     *testing.T
	s     *Server
	now   *time.Time
	users map[string]User
	keys  map[string]*openpgp.Entity
}

func newRaw(t *testing.T, names ...string) *raw {
	t.Helper()
	now := time.Now()
	r := &raw{t: t, now: &now, users: map[string]User{}, keys: map[string]*openpgp.Entity{}}
	s, err := New(Options{Now: func() time.Time { return *r.now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	r.s = s
	for _, n := range names {
		u, err := s.AddUser(n + "@example.com")
		if err != nil {
			t.Fatal(err)
		}
		k, err := pgp.ReadKey(u.PrivateKey)
		if err != nil {
			t.Fatal(err)
		}
		r.users[n], r.keys[n] = u, k
	}
	return r
}

type reply struct {
	Code   int
	Header header
	Body   json.RawMessage
	HTTP   *http.Response
}

func (r *raw) do(method, path, token string, body any) reply {
	r.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, r.s.URL()+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Header header          `json:"header"`
		Body   json.RawMessage `json:"body"`
	}
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &env); err != nil {
		r.t.Fatalf("%s %s: not an envelope: %s", method, path, b)
	}
	if env.Header.Code != resp.StatusCode {
		r.t.Fatalf("%s %s: header.code %d, HTTP %d", method, path, env.Header.Code, resp.StatusCode)
	}
	return reply{Code: resp.StatusCode, Header: env.Header, Body: env.Body, HTTP: resp}
}

// challenge builds a login challenge; edit changes its fields first.
func (r *raw) challenge(name string, edit func(map[string]any)) map[string]any {
	ch := map[string]any{
		"version": "1.0.0", "domain": r.s.URL(), "verify_token": newUUID(),
		"verify_token_expiry": r.now.Add(5 * time.Minute).Unix(),
	}
	if edit != nil {
		edit(ch)
	}
	return ch
}

func (r *raw) serverKey() *openpgp.Entity {
	k, err := pgp.ReadKey(r.s.PublicKey())
	if err != nil {
		r.t.Fatal(err)
	}
	return k
}

// loginWith posts a challenge signed by signer.
func (r *raw) loginWith(name string, ch map[string]any, signer *openpgp.Entity) reply {
	r.t.Helper()
	plain, _ := json.Marshal(ch)
	armored, err := pgp.Encrypt(plain, []*openpgp.Entity{r.serverKey()}, signer)
	if err != nil {
		r.t.Fatal(err)
	}
	return r.do("POST", "/auth/jwt/login.json", "", map[string]string{"user_id": r.users[name].ID, "challenge": armored})
}

// login logs name in and returns the access and refresh tokens.
func (r *raw) login(name string) (string, string) {
	r.t.Helper()
	rep := r.loginWith(name, r.challenge(name, nil), r.keys[name])
	if rep.Code != 200 {
		r.t.Fatalf("login %s: %d %s", name, rep.Code, rep.Header.Message)
	}
	var body struct{ Challenge string }
	_ = json.Unmarshal(rep.Body, &body)
	dec, err := pgp.Decrypt(body.Challenge, r.keys[name], r.serverKey())
	if err != nil {
		r.t.Fatalf("login %s: reply: %v", name, err)
	}
	var out map[string]string
	_ = json.Unmarshal(dec.Plaintext, &out)
	return out["access_token"], out["refresh_token"]
}

// encrypt makes a secret for user name.
func (r *raw) encrypt(name, plain string) string {
	r.t.Helper()
	k, err := pgp.ReadKey(r.users[name].PublicKey)
	if err != nil {
		r.t.Fatal(err)
	}
	a, err := pgp.Encrypt([]byte(plain), []*openpgp.Entity{k}, nil)
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// create makes a resource owned by name and returns its id.
func (r *raw) create(name, token string) string {
	r.t.Helper()
	rep := r.do("POST", "/resources.json", token, map[string]any{
		"name": "db", "resource_type_id": ResourceTypeID(TypePasswordString),
		"secrets": []map[string]string{{"data": r.encrypt(name, "pw")}},
	})
	if rep.Code != 200 {
		r.t.Fatalf("create: %d %s %s", rep.Code, rep.Header.Message, rep.Body)
	}
	var res struct{ ID string }
	_ = json.Unmarshal(rep.Body, &res)
	return res.ID
}

func hasRule(t *testing.T, rep reply, path, rule string) bool {
	t.Helper()
	var tree map[string]any
	if json.Unmarshal(rep.Body, &tree) != nil {
		return false
	}
	var node any = tree
	for _, p := range strings.Split(path, ".") {
		m, ok := node.(map[string]any)
		if !ok {
			return false
		}
		node = m[p]
	}
	m, ok := node.(map[string]any)
	_, has := m[rule]
	return ok && has
}

var fingerprintRe = regexp.MustCompile(`^[A-F0-9]{40}$`)
