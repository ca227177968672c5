package passbolttest

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// TestLoginRefusals: every challenge rule of GpgJwtAuthenticator is
// enforced, with the real server's status and message.
func TestLoginRefusals(t *testing.T) {
	r := newRaw(t, "alice", "mallory")
	const invalid = "The credentials are invalid."
	cases := []struct {
		name   string
		edit   func(map[string]any)
		signer string
	}{
		{"bad signature (signed by another user's key)", nil, "mallory"},
		{"wrong version", func(c map[string]any) { c["version"] = "2.0.0" }, "alice"},
		{"wrong domain", func(c map[string]any) { c["domain"] = "https://evil.example" }, "alice"},
		{"expired challenge", func(c map[string]any) { c["verify_token_expiry"] = r.now.Add(-time.Second).Unix() }, "alice"},
		{"expiry beyond the window", func(c map[string]any) { c["verify_token_expiry"] = r.now.Add(61 * time.Minute).Unix() }, "alice"},
		{"verify token not a uuid", func(c map[string]any) { c["verify_token"] = "nonce" }, "alice"},
		{"expiry not numeric", func(c map[string]any) { c["verify_token_expiry"] = "soon" }, "alice"},
		{"missing key", func(c map[string]any) { delete(c, "domain") }, "alice"},
	}
	for _, tc := range cases {
		rep := r.loginWith("alice", r.challenge("alice", tc.edit), r.keys[tc.signer])
		if rep.Code != 400 || rep.Header.Message != invalid || rep.Header.Status != "error" {
			t.Errorf("%s: %d %q; want 400 %q", tc.name, rep.Code, rep.Header.Message, invalid)
		}
	}

	// Unsigned challenge.
	plain := []byte(`{"version":"1.0.0","domain":"` + r.s.URL() + `","verify_token":"` + newUUID() + `","verify_token_expiry":` + strconv.FormatInt(r.now.Add(time.Minute).Unix(), 10) + `}`)
	armored, _ := pgp.Encrypt(plain, []*pgp.Entity{r.serverKey()}, nil)
	if rep := r.do("POST", "/auth/jwt/login.json", "", map[string]string{"user_id": r.users["alice"].ID, "challenge": armored}); rep.Code != 400 {
		t.Errorf("unsigned challenge: %d; want 400", rep.Code)
	}
	// Armor without the CRC24 line.
	signed, _ := pgp.Encrypt(plain, []*pgp.Entity{r.serverKey()}, r.keys["alice"])
	noCRC := dropCRC(signed)
	if rep := r.do("POST", "/auth/jwt/login.json", "", map[string]string{"user_id": r.users["alice"].ID, "challenge": noCRC}); rep.Code != 400 || rep.Header.Message != invalid {
		t.Errorf("challenge without checksum: %d %q; want 400", rep.Code, rep.Header.Message)
	}
	// The same message with its checksum is accepted (the CRC rule, not
	// the content, refused it).
	if rep := r.do("POST", "/auth/jwt/login.json", "", map[string]string{"user_id": r.users["alice"].ID, "challenge": signed}); rep.Code != 200 {
		t.Errorf("the same challenge with its checksum: %d %q; want 200", rep.Code, rep.Header.Message)
	}

	// Missing credentials, unknown user.
	if rep := r.do("POST", "/auth/jwt/login.json", "", map[string]string{"user_id": "alice"}); rep.Code != 400 || rep.Header.Message != msgCredentialsMissing {
		t.Errorf("missing credentials: %d %q", rep.Code, rep.Header.Message)
	}
	if rep := r.do("POST", "/auth/jwt/login.json", "", map[string]string{"user_id": newUUID(), "challenge": signed}); rep.Code != 404 || rep.Header.Message != msgUserNotFound {
		t.Errorf("unknown user: %d %q", rep.Code, rep.Header.Message)
	}
}

func dropCRC(armored string) string {
	lines := strings.Split(armored, "\n")
	var out []string
	for _, l := range lines {
		if strings.HasPrefix(l, "=") && len(l) == 5 {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// TestReplayedVerifyToken: a verify token works once per user, in any
// case; the uppercase form the iOS app sends is echoed as sent.
func TestReplayedVerifyToken(t *testing.T) {
	r := newRaw(t, "alice")
	token := strings.ToUpper(newUUID())
	ch := r.challenge("alice", func(c map[string]any) { c["verify_token"] = token })
	if rep := r.loginWith("alice", ch, r.keys["alice"]); rep.Code != 200 {
		t.Fatalf("first use: %d %s", rep.Code, rep.Header.Message)
	}
	if rep := r.loginWith("alice", ch, r.keys["alice"]); rep.Code != 400 || rep.Header.Message != "The credentials are invalid." {
		t.Fatalf("replay: %d %q; want 400", rep.Code, rep.Header.Message)
	}
	ch["verify_token"] = strings.ToLower(token)
	if rep := r.loginWith("alice", ch, r.keys["alice"]); rep.Code != 400 {
		t.Fatalf("replay in lowercase: %d; want 400", rep.Code)
	}
}

// TestTokenLifetimes: the access token lasts 5 minutes; a refresh token
// is spent by use, its successor arrives in Set-Cookie, and logout
// spends the rest.
func TestTokenLifetimes(t *testing.T) {
	r := newRaw(t, "alice")
	access, refresh := r.login("alice")
	if rep := r.do("GET", "/users/me.json", access, nil); rep.Code != 200 {
		t.Fatalf("fresh token: %d", rep.Code)
	}
	if rep := r.do("GET", "/users/me.json", "", nil); rep.Code != 401 || rep.Header.Message != "Authentication is required to continue" {
		t.Fatalf("no token: %d %q", rep.Code, rep.Header.Message)
	}
	*r.now = r.now.Add(5 * time.Minute)
	if rep := r.do("GET", "/users/me.json", access, nil); rep.Code != 401 {
		t.Fatalf("token after 5 minutes: %d; want 401", rep.Code)
	}
	if rep := r.do("GET", "/users/me.json", access[:len(access)-4]+"AAAA", nil); rep.Code != 401 {
		t.Fatalf("tampered token: %d; want 401", rep.Code)
	}
	body := map[string]string{"user_id": r.users["alice"].ID, "refresh_token": refresh}
	rep := r.do("POST", "/auth/jwt/refresh.json", "", body)
	if rep.Code != 200 {
		t.Fatalf("refresh: %d %s", rep.Code, rep.Header.Message)
	}
	var next string
	for _, c := range rep.HTTP.Cookies() {
		if c.Name == "refresh_token" && c.HttpOnly && c.Secure {
			next = c.Value
		}
	}
	if !isUUID(next) {
		t.Fatalf("refresh sent no Secure HttpOnly refresh_token cookie: %v", rep.HTTP.Header["Set-Cookie"])
	}
	if rep := r.do("POST", "/auth/jwt/refresh.json", "", body); rep.Code != 400 || rep.Header.Message != "The refresh token provided was already used." {
		t.Fatalf("spent refresh token: %d %q", rep.Code, rep.Header.Message)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(r.do("POST", "/auth/jwt/refresh.json", "", map[string]string{"user_id": r.users["alice"].ID, "refresh_token": next}).Body, &out)
	if rep := r.do("GET", "/users/me.json", out.AccessToken, nil); rep.Code != 200 {
		t.Fatalf("refreshed access token: %d", rep.Code)
	}
	// Logout spends every refresh token of the user.
	_, spare := r.login("alice")
	if rep := r.do("POST", "/auth/jwt/logout.json", out.AccessToken, nil); rep.Code != 200 || string(rep.Body) != "null" {
		t.Fatalf("logout: %d %s", rep.Code, rep.Body)
	}
	if rep := r.do("POST", "/auth/jwt/refresh.json", "", map[string]string{"user_id": r.users["alice"].ID, "refresh_token": spare}); rep.Code != 400 {
		t.Fatalf("refresh after logout: %d; want 400", rep.Code)
	}
	// A month later the refresh token has expired.
	_, old := r.login("alice")
	*r.now = r.now.Add(31 * 24 * time.Hour)
	if rep := r.do("POST", "/auth/jwt/refresh.json", "", map[string]string{"user_id": r.users["alice"].ID, "refresh_token": old}); rep.Code != 400 {
		t.Fatalf("expired refresh token: %d; want 400", rep.Code)
	}
}
