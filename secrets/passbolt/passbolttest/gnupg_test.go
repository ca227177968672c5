package passbolttest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// gnupg runs gpg and curl for TestGnuPGClient, each with its own
// arguments (no shell), gpg in a private GNUPGHOME.
type gnupg struct {
	t    *testing.T
	home string
	dir  string
}

func (g *gnupg) run(stdin []byte, name string, args ...string) []byte {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "GNUPGHOME="+g.home)
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		g.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

func (g *gnupg) gpg(stdin []byte, args ...string) []byte {
	g.t.Helper()
	return g.run(stdin, "gpg", append([]string{"--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
}

// curl sends one request and returns the envelope's body, failing on
// anything but 200.
func (g *gnupg) curl(method, url, token string, body any) json.RawMessage {
	g.t.Helper()
	args := []string{"-sS", "--globoff", "--max-time", "20", "-X", method, "-H", "Accept: application/json"}
	if token != "" {
		args = append(args, "-H", "Authorization: Bearer "+token)
	}
	if body != nil {
		f := filepath.Join(g.dir, "request.json")
		b, _ := json.Marshal(body)
		if err := os.WriteFile(f, b, 0o600); err != nil {
			g.t.Fatal(err)
		}
		args = append(args, "-H", "Content-Type: application/json", "--data-binary", "@"+f)
	}
	out := g.run(nil, "curl", append(args, url)...)
	var env struct {
		Header header          `json:"header"`
		Body   json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(out, &env); err != nil || env.Header.Code != 200 {
		g.t.Fatalf("curl %s %s: %s", method, url, out)
	}
	return env.Body
}

// fingerprint returns the primary key fingerprint gpg lists for uid.
func (g *gnupg) fingerprint(uid string) string {
	for _, line := range strings.Split(string(g.gpg(nil, "--with-colons", "--fingerprint", uid)), "\n") {
		if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
			return f[9]
		}
	}
	g.t.Fatalf("gpg lists no fingerprint for %s", uid)
	return ""
}

// TestGnuPGClient proves the server is not only a mirror of this
// repository's client: a client made of GnuPG's gpg and curl, with a key
// GnuPG made, performs the JWT login, stores a secret and reads it back.
func TestGnuPGClient(t *testing.T) {
	for _, tool := range []string{"gpg", "gpgconf", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			testenv.Unavailable(t, tool+" (Debian packages gnupg and curl)", err)
		}
	}
	home, err := os.MkdirTemp("", "gpg") // short: the agent's socket path is bounded
	if err != nil {
		t.Fatal(err)
	}
	g := &gnupg{t: t, home: home, dir: t.TempDir()}
	if err := os.Chmod(home, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd := exec.Command("gpgconf", "--kill", "all")
		cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = cmd.Run()
		_ = os.RemoveAll(home)
	})

	srv, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	// The user's key, made by GnuPG: an Ed25519 primary key that signs and
	// a Curve25519 encryption subkey.
	const uid = "alice@example.com"
	g.gpg(nil, "--quick-generate-key", uid, "ed25519", "sign", "never")
	fpr := g.fingerprint(uid)
	g.gpg(nil, "--quick-add-key", fpr, "cv25519", "encr", "never")
	pub := g.gpg(nil, "--armor", "--export", fpr)
	alice, err := srv.AddUserKey(uid, string(pub))
	if err != nil {
		t.Fatal(err)
	}
	if alice.Fingerprint != fpr {
		t.Fatalf("server reads fingerprint %s; gpg says %s", alice.Fingerprint, fpr)
	}

	// 1. The server key, imported into GnuPG and checked against the
	// fingerprint the server states.
	var verify struct{ Fingerprint, Keydata string }
	if err := json.Unmarshal(g.curl("GET", srv.URL()+"/auth/verify.json", "", nil), &verify); err != nil {
		t.Fatal(err)
	}
	g.gpg([]byte(verify.Keydata), "--import")
	if got := g.fingerprint("server@passbolt.test"); got != verify.Fingerprint {
		t.Fatalf("gpg computes server fingerprint %s; the server states %s", got, verify.Fingerprint)
	}

	// 2. The challenge, signed and encrypted by gpg (as `gpg -sea`).
	token := newUUID()
	challenge := fmt.Sprintf(`{"version":"1.0.0","domain":%q,"verify_token":%q,"verify_token_expiry":%d}`,
		srv.URL(), token, time.Now().Add(5*time.Minute).Unix())
	armored := g.gpg([]byte(challenge), "--armor", "--trust-model", "always", "--local-user", fpr+"!",
		"--recipient", verify.Fingerprint, "--sign", "--encrypt")
	var login struct{ Challenge string }
	body := g.curl("POST", srv.URL()+"/auth/jwt/login.json", "", map[string]string{"user_id": alice.ID, "challenge": string(armored)})
	if err := json.Unmarshal(body, &login); err != nil {
		t.Fatal(err)
	}

	// 3. The answer, decrypted by gpg, whose signature gpg verifies as the
	// server key's.
	status := filepath.Join(g.dir, "status")
	plain := g.gpg([]byte(login.Challenge), "--status-file", status, "--decrypt")
	st, _ := os.ReadFile(status)
	if !strings.Contains(string(st), "[GNUPG:] VALIDSIG ") || !strings.Contains(string(st), verify.Fingerprint) {
		t.Fatalf("gpg did not verify the server's signature on the login reply:\n%s", st)
	}
	var tokens struct {
		Version     string `json:"version"`
		Domain      string `json:"domain"`
		AccessToken string `json:"access_token"`
		VerifyToken string `json:"verify_token"`
	}
	if err := json.Unmarshal(plain, &tokens); err != nil || tokens.VerifyToken != token || tokens.Version != "1.0.0" || tokens.Domain != srv.URL() {
		t.Fatalf("login reply %s (%v); want our verify token echoed", plain, err)
	}

	// 4. A resource whose secret gpg encrypted, read back and decrypted by gpg.
	secretText := "correct horse battery staple"
	data := g.gpg([]byte(secretText), "--armor", "--trust-model", "always", "--local-user", fpr+"!", "--recipient", fpr, "--sign", "--encrypt")
	var created struct{ ID string }
	body = g.curl("POST", srv.URL()+"/resources.json", tokens.AccessToken, map[string]any{
		"name": "gpg-made", "resource_type_id": ResourceTypeID(TypePasswordString), "secrets": []map[string]string{{"data": string(data)}},
	})
	if err := json.Unmarshal(body, &created); err != nil || !isUUID(created.ID) {
		t.Fatalf("create: %s", body)
	}
	var read struct {
		Secrets []struct{ Data string } `json:"secrets"`
	}
	body = g.curl("GET", srv.URL()+"/resources/"+created.ID+".json?contain[secret]=1", tokens.AccessToken, nil)
	if err := json.Unmarshal(body, &read); err != nil || len(read.Secrets) != 1 {
		t.Fatalf("read: %s", body)
	}
	if got := g.gpg([]byte(read.Secrets[0].Data), "--decrypt"); string(got) != secretText {
		t.Fatalf("gpg decrypts %q; want %q", got, secretText)
	}
}
