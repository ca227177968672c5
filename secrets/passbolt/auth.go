package passbolt

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// protocolVersion is the JWT challenge version the server accepts.
const protocolVersion = "1.0.0"

// serverKey fetches /auth/verify.json and returns the server key if, and
// only if, its own fingerprint (computed from the key, not the one the
// reply claims) is the pinned one. The caller holds c.mu.
func (c *Client) serverKey(ctx context.Context) error {
	var out struct {
		Fingerprint string `json:"fingerprint"`
		Keydata     string `json:"keydata"`
	}
	if err := c.send(ctx, request{op: "fetch server key", method: http.MethodGet, path: "/auth/verify", out: &out}, ""); err != nil {
		return err
	}
	k, err := pgp.ReadKey(out.Keydata)
	if err != nil {
		return fmt.Errorf("passbolt: fetch server key: %w", ErrServerKey)
	}
	got := pgp.Fingerprint(k)
	if got != c.pinned {
		return &ServerKeyError{URL: c.base, Pinned: c.pinned, Got: got}
	}
	if !strings.EqualFold(out.Fingerprint, got) {
		return &ServerKeyError{URL: c.base, Pinned: c.pinned, Got: strings.ToUpper(out.Fingerprint)}
	}
	c.server = k
	return nil
}

// login performs the JWT login. The caller holds c.mu.
func (c *Client) login(ctx context.Context) error {
	if err := c.serverKey(ctx); err != nil {
		return err
	}
	token := newUUID()
	plain, _ := json.Marshal(map[string]any{
		"version": protocolVersion, "domain": c.base, "verify_token": token,
		"verify_token_expiry": c.now().Add(c.challengeTTL).Unix(),
	})
	armored, err := pgp.Encrypt(plain, []*pgp.Entity{c.server}, c.key)
	if err != nil {
		return fmt.Errorf("passbolt: login user %s: encrypt challenge: %w", c.userID, err)
	}
	var out struct {
		Challenge string `json:"challenge"`
	}
	err = c.send(ctx, request{
		op: "login user " + c.userID, method: http.MethodPost, path: "/auth/jwt/login", auth: true,
		in: map[string]string{"user_id": c.userID, "challenge": armored}, out: &out,
	}, "")
	if err != nil {
		return err
	}
	// The answer must be for us and signed by the pinned server key.
	dec, err := pgp.Decrypt(out.Challenge, c.key, c.server)
	if err != nil || dec.Signer != c.pinned {
		got := ""
		if err == nil {
			got = dec.Signer
		}
		return &ServerKeyError{URL: c.base, Pinned: c.pinned, Got: got}
	}
	var reply struct {
		Version      string `json:"version"`
		Domain       string `json:"domain"`
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		VerifyToken  string `json:"verify_token"`
		Providers    []any  `json:"providers"`
	}
	if err := json.Unmarshal(dec.Plaintext, &reply); err != nil || reply.VerifyToken != token ||
		strings.TrimRight(reply.Domain, "/") != c.base || reply.AccessToken == "" {
		return &APIError{Op: "login user " + c.userID, Status: http.StatusOK, Message: "the login reply does not answer this challenge", auth: true}
	}
	if len(reply.Providers) > 0 {
		return &APIError{Op: "login user " + c.userID, Status: http.StatusForbidden, Message: "the server requires MFA, which this client does not support", auth: true}
	}
	c.access, c.refresh = reply.AccessToken, reply.RefreshToken
	c.accessExp = tokenExpiry(reply.AccessToken, c.now())
	return nil
}

// tokenExpiry reads exp from the JWT's payload (the client does not need
// to verify it: the server does). A token it cannot read is treated as
// expiring at once.
func tokenExpiry(jwt string, now time.Time) time.Time {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return now
	}
	p, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if err != nil || json.Unmarshal(p, &claims) != nil || claims.Exp == 0 {
		return now
	}
	return time.Unix(claims.Exp, 0)
}

// token returns an access token that will not expire within
// RefreshBefore, refreshing it (or logging in again when the refresh
// token is spent) as needed; force renews it regardless.
func (c *Client) token(ctx context.Context, force bool) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return "", ErrClosed
	}
	if !force && c.now().Add(c.refreshBefore).Before(c.accessExp) {
		return c.access, nil
	}
	if err := c.renew(ctx); err != nil {
		if err := c.login(ctx); err != nil {
			return "", err
		}
	}
	return c.access, nil
}

// renew spends the refresh token for a new access token; the next
// refresh token arrives in Set-Cookie. The caller holds c.mu.
func (c *Client) renew(ctx context.Context) error {
	if c.refresh == "" {
		return ErrUnauthorized
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	next := ""
	err := c.send(ctx, request{
		op: "refresh token of user " + c.userID, method: http.MethodPost, path: "/auth/jwt/refresh", auth: true,
		in: map[string]string{"user_id": c.userID, "refresh_token": c.refresh}, out: &out,
		resp: func(r *http.Response) {
			for _, ck := range r.Cookies() {
				if ck.Name == "refresh_token" {
					next = ck.Value
				}
			}
		},
	}, "")
	c.refresh = next
	if err != nil {
		return err
	}
	c.access, c.accessExp = out.AccessToken, tokenExpiry(out.AccessToken, c.now())
	return nil
}

// Logout spends the session's refresh token on the server and closes the
// client. A second Logout returns ErrClosed.
func (c *Client) Logout(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return ErrClosed
	}
	c.closed = true
	if !c.now().Add(c.refreshBefore).Before(c.accessExp) {
		// An expired access token cannot log out: renew it first. When
		// that fails the refresh token is spent or expired already, and
		// there is nothing left to end on the server.
		if err := c.renew(ctx); err != nil {
			c.access, c.refresh = "", ""
			return nil
		}
	}
	in := map[string]string{}
	if c.refresh != "" {
		in["refresh_token"] = c.refresh
	}
	err := c.send(ctx, request{op: "logout user " + c.userID, method: http.MethodPost, path: "/auth/jwt/logout", in: in}, c.access)
	c.access, c.refresh = "", ""
	return err
}

// Close logs out (within 10 seconds). Closing a closed client is a no-op.
func (c *Client) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Logout(ctx); err != nil && err != ErrClosed {
		return err
	}
	return nil
}

func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	s := hex.EncodeToString(u[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
