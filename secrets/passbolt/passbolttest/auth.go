package passbolttest

import (
	"bytes"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// ProtocolVersion is the only challenge version the server accepts.
const ProtocolVersion = "1.0.0"

const (
	msgCredentialsMissing = "The authentication failed. The credentials are missing."
	msgCredentialsInvalid = "The credentials are invalid."
	msgUserNotFound       = "The user does not exist or is not active or has been deleted."
)

// verifyGet serves GET /auth/verify.json: the server key.
func (s *Server) verifyGet(c *call) {
	s.mu.Lock()
	fp := pgp.Fingerprint(s.key)
	pub, _ := pgp.ArmorPublic(s.key)
	s.mu.Unlock()
	s.ok(c.w, c.r, c.action, msgOK, map[string]string{"fingerprint": fp, "keydata": pub})
}

// login serves POST /auth/jwt/login.json, following GpgJwtAuthenticator.
func (s *Server) login(c *call) {
	var in struct {
		UserID    string `json:"user_id"`
		Challenge string `json:"challenge"`
	}
	if err := json.NewDecoder(c.r.Body).Decode(&in); err != nil || !isUUID(in.UserID) || in.Challenge == "" {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, msgCredentialsMissing, nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[strings.ToLower(in.UserID)]
	if u == nil || !u.active || u.deleted {
		s.reply(c.w, c.r, c.action, http.StatusNotFound, msgUserNotFound, nil)
		return
	}
	refuse := func() { s.reply(c.w, c.r, c.action, http.StatusBadRequest, msgCredentialsInvalid, nil) }
	dec, err := pgp.Decrypt(in.Challenge, s.key, u.key)
	// The first signature must be by the user's stored key itself.
	if err != nil || dec.SigningKey != pgp.Fingerprint(u.key) {
		refuse()
		return
	}
	ch, ok := parseChallenge(dec.Plaintext)
	if !ok || ch.version != ProtocolVersion || strings.TrimRight(ch.domain, "/") != strings.TrimRight(s.URL(), "/") {
		refuse()
		return
	}
	now := s.now()
	if !isUUID(ch.token) || ch.expiry < float64(now.Unix()) || ch.expiry > float64(now.Add(s.opts.VerifyTokenWindow).Unix()) {
		refuse()
		return
	}
	used := s.verify[u.id]
	if used == nil {
		used = map[string]time.Time{}
		s.verify[u.id] = used
	}
	for tok, exp := range used { // purge what the window has let go
		if exp.Before(now.Add(-s.opts.VerifyTokenWindow)) {
			delete(used, tok)
		}
	}
	if _, seen := used[strings.ToLower(ch.token)]; seen {
		refuse()
		return
	}
	used[strings.ToLower(ch.token)] = time.Unix(int64(ch.expiry), 0)

	access := s.signJWT(u.id, now.Add(s.opts.AccessTokenTTL))
	refresh := s.newRefreshToken(u.id, now)
	plain, _ := json.Marshal(map[string]string{
		"version": ProtocolVersion, "domain": s.URL(), "access_token": access,
		"refresh_token": refresh, "verify_token": ch.token,
	})
	armored, err := pgp.Encrypt(plain, []*pgp.Entity{u.key}, s.key)
	if err != nil {
		s.reply(c.w, c.r, c.action, http.StatusInternalServerError, "Internal error.", nil)
		return
	}
	s.ok(c.w, c.r, c.action, "The authentication was a success.", map[string]string{"challenge": armored})
}

type challenge struct {
	version, domain, token string
	expiry                 float64
}

// parseChallenge decodes the challenge JSON as the real server does: an
// object of depth at most 2 holding the four keys; the expiry is numeric
// (a JSON number or a numeric string).
func parseChallenge(b []byte) (challenge, bool) {
	var raw map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&raw); err != nil {
		return challenge{}, false
	}
	var ch challenge
	for key, dst := range map[string]*string{"version": &ch.version, "domain": &ch.domain, "verify_token": &ch.token} {
		if err := json.Unmarshal(raw[key], dst); err != nil {
			return challenge{}, false
		}
	}
	exp := raw["verify_token_expiry"]
	var n float64
	if err := json.Unmarshal(exp, &n); err != nil {
		var str string
		if json.Unmarshal(exp, &str) != nil {
			return challenge{}, false
		}
		v, err := strconv.ParseFloat(str, 64)
		if err != nil {
			return challenge{}, false
		}
		n = v
	}
	if math.IsNaN(n) || math.IsInf(n, 0) {
		return challenge{}, false
	}
	ch.expiry = n
	return ch, true
}
