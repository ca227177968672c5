package passbolttest

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// Options configure a Server. The zero value is a server on the wall
// clock with the real server's default lifetimes.
type Options struct {
	// Now is the server's clock (default time.Now). Tests move it to
	// expire tokens and challenges.
	Now func() time.Time
	// AccessTokenTTL is the JWT lifetime (default 5 minutes, the real
	// server's PASSBOLT_AUTH_JWT_ACCESS_TOKEN).
	AccessTokenTTL time.Duration
	// RefreshTokenTTL is the refresh token lifetime (default 30 days).
	RefreshTokenTTL time.Duration
	// VerifyTokenWindow bounds verify_token_expiry (default 1 hour).
	VerifyTokenWindow time.Duration
}

// Server is an in-process Passbolt API server. Its methods are safe for
// concurrent use.
type Server struct {
	opts Options
	ts   *httptest.Server

	mu        sync.Mutex
	key       *openpgp.Entity
	jwtKey    *rsa.PrivateKey
	users     map[string]*user
	groups    map[string]*group
	resources map[string]*resource
	perms     map[string]*permission
	secrets   map[string]map[string]*secret // resource id -> user id -> secret
	refresh   map[string]*refreshToken
	verify    map[string]map[string]time.Time // user id -> lowercased verify token -> expiry
}

// New starts a server on a loopback port with a fresh OpenPGP server key
// and a fresh RSA key for JWTs. Close stops it.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.AccessTokenTTL <= 0 {
		opts.AccessTokenTTL = 5 * time.Minute
	}
	if opts.RefreshTokenTTL <= 0 {
		opts.RefreshTokenTTL = 30 * 24 * time.Hour
	}
	if opts.VerifyTokenWindow <= 0 {
		opts.VerifyTokenWindow = time.Hour
	}
	s := &Server{
		opts:      opts,
		users:     map[string]*user{},
		groups:    map[string]*group{},
		resources: map[string]*resource{},
		perms:     map[string]*permission{},
		secrets:   map[string]map[string]*secret{},
		refresh:   map[string]*refreshToken{},
		verify:    map[string]map[string]time.Time{},
	}
	if err := s.RotateKey(); err != nil {
		return nil, err
	}
	jwtKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("passbolttest: JWT key: %w", err)
	}
	s.jwtKey = jwtKey
	s.ts = httptest.NewServer(s.handler())
	return s, nil
}

// URL is the server's base URL (the challenge's domain).
func (s *Server) URL() string { return s.ts.URL }

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// Fingerprint is the server key's fingerprint, 40 uppercase hex digits,
// as /auth/verify.json reports it.
func (s *Server) Fingerprint() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return pgp.Fingerprint(s.key)
}

// PublicKey is the server's armored public key.
func (s *Server) PublicKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, _ := pgp.ArmorPublic(s.key)
	return k
}

// RotateKey replaces the server's OpenPGP key with a new one, as an
// operator (or an attacker) swapping the key would. Clients that pinned
// the old fingerprint must refuse to log in.
func (s *Server) RotateKey() error {
	k, err := pgp.Generate("Passbolt Server Key", "server@passbolt.test", s.opts.Now())
	if err != nil {
		return fmt.Errorf("passbolttest: server key: %w", err)
	}
	s.mu.Lock()
	s.key = k
	s.mu.Unlock()
	return nil
}

func (s *Server) now() time.Time { return s.opts.Now() }

// route is one endpoint: its method, path pattern (without .json),
// "Controller.action" for the envelope, whether it needs a JWT, and the
// handler.
type route struct {
	method, pattern, action string
	public                  bool
	h                       func(s *Server, c *call)
}

// call is one request being served.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	action string
	caller *user // nil on public routes
}

func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.HandleFunc(rt.method+" "+rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			c := &call{w: w, r: r, action: rt.action}
			if !rt.public {
				u, ok := s.authenticate(r)
				if !ok {
					s.reply(w, r, rt.action, http.StatusUnauthorized, "Authentication is required to continue", nil)
					return
				}
				c.caller = u
			}
			rt.h(s, c)
		})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("api-version") == "v1" {
			s.reply(w, r, "Error.error", http.StatusBadRequest, "API v1 support is deprecated in this version.", nil)
			return
		}
		if r.URL.Path == "/auth/jwt/jwks.json" && r.Method == http.MethodGet {
			s.jwks(w)
			return
		}
		if !strings.HasSuffix(r.URL.Path, ".json") {
			s.reply(w, r, "Error.error", http.StatusNotFound, "The requested page was not found.", nil)
			return
		}
		inner := r.Clone(r.Context())
		inner.URL.Path = strings.TrimSuffix(r.URL.Path, ".json")
		inner.URL.RawPath = ""
		if _, pattern := mux.Handler(inner); pattern == "" {
			s.reply(w, r, "Error.error", http.StatusNotFound, "The requested page was not found.", nil)
			return
		}
		// inner.RequestURI keeps the request as sent (with .json) for
		// the envelope's url.
		mux.ServeHTTP(w, inner)
	})
}

var routes = []route{
	{"GET", "/auth/verify", "AuthVerify.verifyGet", true, (*Server).verifyGet},
	{"POST", "/auth/jwt/login", "JwtLogin.loginPost", true, (*Server).login},
	{"POST", "/auth/jwt/refresh", "RefreshToken.refreshPost", true, (*Server).refreshPost},
	{"POST", "/auth/jwt/logout", "JwtLogout.logout", false, (*Server).logout},
	{"GET", "/auth/jwt/rsa", "Jwks.rsa", true, (*Server).rsaKey},
	{"GET", "/users/me", "UsersView.view", false, (*Server).usersMe},
	{"GET", "/users", "UsersIndex.index", false, (*Server).usersIndex},
	{"GET", "/users/{id}", "UsersView.view", false, (*Server).usersView},
	{"GET", "/groups", "GroupsIndex.index", false, (*Server).groupsIndex},
	{"GET", "/resource-types", "ResourceTypesIndex.index", false, (*Server).resourceTypesIndex},
	{"GET", "/resource-types/{id}", "ResourceTypesView.view", false, (*Server).resourceTypesView},
	{"GET", "/resources", "ResourcesIndex.index", false, (*Server).resourcesIndex},
	{"POST", "/resources", "ResourcesAdd.add", false, (*Server).resourcesAdd},
	{"GET", "/resources/{id}", "ResourcesView.view", false, (*Server).resourcesView},
	{"PUT", "/resources/{id}", "ResourcesUpdate.update", false, (*Server).resourcesUpdate},
	{"DELETE", "/resources/{id}", "ResourcesDelete.delete", false, (*Server).resourcesDelete},
	{"GET", "/secrets/resource/{id}", "SecretsView.view", false, (*Server).secretsView},
	{"GET", "/permissions/resource/{id}", "PermissionsView.viewAcoPermissions", false, (*Server).permissionsView},
	{"PUT", "/share/resource/{id}", "Share.share", false, (*Server).share},
	{"POST", "/share/simulate/resource/{id}", "Share.dryRun", false, (*Server).shareSimulate},
}
