package passbolttest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"strings"
	"time"
)

var b64 = base64.RawURLEncoding

// signJWT makes the RS256 access token {iss, sub, exp}. The caller holds
// s.mu or does not need it (the JWT key never changes).
func (s *Server) signJWT(sub string, exp time.Time) string {
	head := b64.EncodeToString([]byte(`{"typ":"JWT","alg":"RS256"}`))
	payload, _ := json.Marshal(map[string]any{"iss": s.URL(), "sub": sub, "exp": exp.Unix()})
	signing := head + "." + b64.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	sig, _ := rsa.SignPKCS1v15(nil, s.jwtKey, crypto.SHA256, sum[:])
	return signing + "." + b64.EncodeToString(sig)
}

// authenticate checks the Bearer JWT: signature, issuer, expiry, and an
// active user.
func (s *Server) authenticate(r *http.Request) (*user, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return nil, false
	}
	parts := strings.Split(strings.TrimSpace(tok), ".")
	if len(parts) != 3 {
		return nil, false
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, false
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&s.jwtKey.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return nil, false
	}
	var head struct {
		Alg string `json:"alg"`
	}
	if h, err := b64.DecodeString(parts[0]); err != nil || json.Unmarshal(h, &head) != nil || head.Alg != "RS256" {
		return nil, false
	}
	var claims struct {
		Iss string `json:"iss"`
		Sub string `json:"sub"`
		Exp int64  `json:"exp"`
	}
	p, err := b64.DecodeString(parts[1])
	if err != nil || json.Unmarshal(p, &claims) != nil {
		return nil, false
	}
	if claims.Iss != s.URL() || s.now().Unix() >= claims.Exp {
		return nil, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[claims.Sub]
	if u == nil || !u.active || u.deleted {
		return nil, false
	}
	return u, true
}

// newRefreshToken stores a refresh token for uid. The caller holds s.mu.
func (s *Server) newRefreshToken(uid string, now time.Time) string {
	id := newUUID()
	s.refresh[id] = &refreshToken{userID: uid, active: true, expires: now.Add(s.opts.RefreshTokenTTL)}
	return id
}

// refreshPost serves POST /auth/jwt/refresh.json: a new access token in
// the body, the new refresh token in Set-Cookie; the old one is spent.
func (s *Server) refreshPost(c *call) {
	var in struct {
		UserID       string `json:"user_id"`
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.NewDecoder(c.r.Body).Decode(&in); err != nil || !isUUID(in.UserID) || !isUUID(in.RefreshToken) {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The refresh token should be a valid UUID.", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	t := s.refresh[strings.ToLower(in.RefreshToken)]
	u := s.users[strings.ToLower(in.UserID)]
	switch {
	case t == nil || t.userID != strings.ToLower(in.UserID) || u == nil || !u.active || !now.Before(t.expires):
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "No active refresh token matching the request could be found.", nil)
		return
	case !t.active:
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The refresh token provided was already used.", nil)
		return
	}
	t.active = false
	next := s.newRefreshToken(u.id, now)
	http.SetCookie(c.w, &http.Cookie{
		Name: "refresh_token", Value: next, Path: "/", Expires: now.Add(s.opts.RefreshTokenTTL),
		Secure: true, HttpOnly: true,
	})
	s.ok(c.w, c.r, c.action, msgOK, map[string]string{"access_token": s.signJWT(u.id, now.Add(s.opts.AccessTokenTTL))})
}

// logout serves POST /auth/jwt/logout.json: the refresh token named in
// the body is spent, or every one of the caller's when none is named.
func (s *Server) logout(c *call) {
	var in struct {
		RefreshToken string `json:"refresh_token"`
	}
	_ = json.NewDecoder(c.r.Body).Decode(&in)
	s.mu.Lock()
	for id, t := range s.refresh {
		if t.userID == c.caller.id && (in.RefreshToken == "" || strings.EqualFold(id, in.RefreshToken)) {
			t.active = false
		}
	}
	s.mu.Unlock()
	s.ok(c.w, c.r, c.action, msgOK, nil)
}

// rsaKey serves GET /auth/jwt/rsa.json: the JWT public key in PEM.
func (s *Server) rsaKey(c *call) {
	der, _ := x509.MarshalPKIXPublicKey(&s.jwtKey.PublicKey)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	s.ok(c.w, c.r, c.action, msgOK, map[string]string{"keydata": string(pemKey)})
}

// jwks serves GET /auth/jwt/jwks.json, raw (not enveloped).
func (s *Server) jwks(w http.ResponseWriter) {
	pub := s.jwtKey.PublicKey
	e := big.NewInt(int64(pub.E)).Bytes()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "alg": "RS256", "use": "sig", "e": b64.EncodeToString(e), "n": b64.EncodeToString(pub.N.Bytes()),
	}}})
}
