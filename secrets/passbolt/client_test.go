package passbolt_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/passbolt"
)

func TestLoginAndMe(t *testing.T) {
	e := newEnv(t, "alice")
	c := e.dial("alice")
	me, err := c.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if me.ID != e.users["alice"].ID || me.Username != "alice@example.com" || me.Key.Fingerprint != e.users["alice"].Fingerprint {
		t.Fatalf("Me = %+v; want alice with her key", me)
	}
}

func TestDialInvalidOptions(t *testing.T) {
	e := newEnv(t, "alice")
	for name, mod := range map[string]func(*passbolt.Options){
		"URL":               func(o *passbolt.Options) { o.URL = "ftp://x" },
		"UserID":            func(o *passbolt.Options) { o.UserID = "alice" },
		"ServerFingerprint": func(o *passbolt.Options) { o.ServerFingerprint = "ABC" },
		"PrivateKey":        func(o *passbolt.Options) { o.PrivateKey = secrets.NewValue([]byte("not a key")) },
	} {
		o := e.options("alice")
		mod(&o)
		_, err := passbolt.Dial(context.Background(), o)
		var ie *passbolt.InvalidError
		if !errors.As(err, &ie) || ie.Field != name || !errors.Is(err, passbolt.ErrInvalid) {
			t.Errorf("Dial with bad %s = %v; want *InvalidError on %s", name, err, name)
		}
	}
}

// TestDialPlainHTTPRefused: http:// would send the session tokens in
// plaintext, so it is refused except to a loopback test server.
func TestDialPlainHTTPRefused(t *testing.T) {
	e := newEnv(t, "alice")
	o := e.options("alice")
	o.URL = "http://passbolt.example.com"
	_, err := passbolt.Dial(context.Background(), o)
	var ie *passbolt.InvalidError
	if !errors.As(err, &ie) || ie.Field != "URL" || !strings.Contains(err.Error(), "plaintext") {
		t.Fatalf("Dial over http:// to a remote host = %v; want *InvalidError on URL", err)
	}
}

func TestLoginUnknownUser(t *testing.T) {
	e := newEnv(t, "alice")
	o := e.options("alice")
	o.UserID = "0b8e1c52-7f0e-4c1a-9d5e-2f6a7b8c9d0e"
	_, err := passbolt.Dial(context.Background(), o)
	if !errors.Is(err, passbolt.ErrNotFound) || !errors.Is(err, passbolt.ErrUnauthorized) {
		t.Fatalf("Dial as an unknown user = %v; want ErrNotFound and ErrUnauthorized", err)
	}
	if err := e.srv.SetActive(e.users["alice"].ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := passbolt.Dial(context.Background(), e.options("alice")); !errors.Is(err, passbolt.ErrNotFound) {
		t.Fatalf("Dial as an inactive user = %v; want ErrNotFound", err)
	}
}

// TestTokenRefresh: the 5-minute access token is refreshed before it
// expires, and the spent refresh token is replaced by the one in
// Set-Cookie, so a session outlives many access tokens.
func TestTokenRefresh(t *testing.T) {
	e := newEnv(t, "alice")
	rec := &recorder{}
	o := e.options("alice")
	o.HTTP = rec
	c, err := passbolt.Dial(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	for i := 0; i < 4; i++ {
		e.clock.Advance(4*time.Minute + 30*time.Second)
		if _, err := c.Me(ctx); err != nil {
			t.Fatalf("Me after %d refreshes: %v", i, err)
		}
	}
	if got := rec.count("/auth/jwt/refresh.json", 200); got != 4 {
		t.Errorf("%d refreshes; want 4 (one per 4m30s step)", got)
	}
	if got := rec.count("/auth/jwt/login.json", 200); got != 1 {
		t.Errorf("%d logins; want 1", got)
	}
	if got := rec.count("", 401); got != 0 {
		t.Errorf("%d requests answered 401: the token was not refreshed before it expired", got)
	}
}

// TestRetryAfter401: a token the server already considers expired (its
// clock is ahead) is renewed once and the request sent again.
func TestRetryAfter401(t *testing.T) {
	e := newEnv(t, "alice")
	rec := &recorder{}
	o := e.options("alice")
	o.HTTP = rec
	o.Now = time.Now // the client's clock stays behind the server's
	c, err := passbolt.Dial(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	e.clock.Advance(6 * time.Minute)
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatalf("Me with a token the server has expired: %v", err)
	}
	if rec.count("/users/me.json", 401) != 1 || rec.count("/users/me.json", 200) != 1 || rec.count("/auth/jwt/refresh.json", 200) != 1 {
		t.Fatalf("requests %v; want one 401, one refresh, one 200", rec.log())
	}
}

// TestReloginAfterRefreshExpires: when the refresh token has expired too,
// the client logs in again with its key.
func TestReloginAfterRefreshExpires(t *testing.T) {
	e := newEnv(t, "alice")
	c := e.dial("alice")
	e.clock.Advance(31 * 24 * time.Hour)
	if _, err := c.Me(context.Background()); err != nil {
		t.Fatalf("Me after the refresh token expired: %v", err)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t, "alice")
	c := e.dial("alice")
	ctx := context.Background()
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Me(ctx); !errors.Is(err, passbolt.ErrClosed) {
		t.Fatalf("Me after Logout = %v; want ErrClosed", err)
	}
	if err := c.Logout(ctx); !errors.Is(err, passbolt.ErrClosed) {
		t.Fatalf("second Logout = %v; want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close after Logout = %v; want nil", err)
	}

	// A client whose access token has expired renews it to log out, and
	// the refresh token is spent on the server.
	rec := &recorder{}
	o := e.options("alice")
	o.HTTP = rec
	c, err := passbolt.Dial(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(6 * time.Minute)
	if err := c.Logout(ctx); err != nil {
		t.Fatalf("Logout with an expired access token: %v", err)
	}
	if rec.count("/auth/jwt/refresh.json", 200) != 1 || rec.count("/auth/jwt/logout.json", 200) != 1 {
		t.Fatalf("requests %v; want a refresh then a logout", rec.log())
	}
}

func TestResourceTypes(t *testing.T) {
	e := newEnv(t, "alice")
	types, err := e.dial("alice").ResourceTypes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"password-string": passbolt.TypePasswordString, "password-and-description": passbolt.TypePasswordAndDescription,
		"totp": passbolt.TypeTOTP, "password-description-totp": passbolt.TypePasswordDescriptionTOTP,
	}
	for _, rt := range types {
		if want[rt.Slug] != rt.ID {
			t.Errorf("type %s has id %s; want %s", rt.Slug, rt.ID, want[rt.Slug])
		}
		delete(want, rt.Slug)
	}
	if len(want) > 0 {
		t.Errorf("types missing: %v", want)
	}
}

func TestUsersAndGroups(t *testing.T) {
	e := newEnv(t, "alice", "bob", "carol")
	g, err := e.srv.AddGroup("ops", e.users["bob"].ID, e.users["carol"].ID)
	if err != nil {
		t.Fatal(err)
	}
	c := e.dial("alice")
	ctx := context.Background()
	users, err := c.Users(ctx, passbolt.UsersOptions{})
	if err != nil || len(users) != 3 {
		t.Fatalf("Users = %d users, %v; want 3", len(users), err)
	}
	for _, u := range users {
		name := u.Username[:len(u.Username)-len("@example.com")]
		if u.Key.Fingerprint != e.users[name].Fingerprint || u.Key.Armored == "" {
			t.Errorf("user %s key %s; want %s", u.Username, u.Key.Fingerprint, e.users[name].Fingerprint)
		}
	}
	bob, err := c.User(ctx, e.users["bob"].ID)
	if err != nil || len(bob.Groups) != 1 || bob.Groups[0] != g.ID {
		t.Fatalf("User(bob) = %+v, %v; want member of ops", bob, err)
	}
	groups, err := c.Groups(ctx)
	if err != nil || len(groups) != 1 || len(groups[0].Members) != 2 || !groups[0].Members[0].Manager {
		t.Fatalf("Groups = %+v, %v; want ops with 2 members, the first its manager", groups, err)
	}
	if _, err := c.User(ctx, "1b8e1c52-7f0e-4c1a-9d5e-2f6a7b8c9d0e"); !errors.Is(err, passbolt.ErrNotFound) {
		t.Fatalf("User(unknown) = %v; want ErrNotFound", err)
	}
}

// TestLoginRefused: a challenge the server refuses comes back as
// ErrUnauthorized with the server's message: signed by a key that is not
// the user's, or expired because the client's clock is behind.
func TestLoginRefused(t *testing.T) {
	e := newEnv(t, "alice", "mallory")
	o := e.options("alice")
	o.PrivateKey = secrets.NewValue([]byte(e.users["mallory"].PrivateKey))
	_, err := passbolt.Dial(context.Background(), o)
	var ae *passbolt.APIError
	if !errors.Is(err, passbolt.ErrUnauthorized) || !errors.As(err, &ae) || ae.Status != 400 || ae.Message != "The credentials are invalid." {
		t.Fatalf("Dial as alice with mallory's key = %v; want 400 The credentials are invalid.", err)
	}
	o = e.options("alice")
	o.Now = func() time.Time { return e.clock.Now().Add(-10 * time.Minute) }
	if _, err := passbolt.Dial(context.Background(), o); !errors.Is(err, passbolt.ErrUnauthorized) {
		t.Fatalf("Dial with a clock 10 minutes behind = %v; want ErrUnauthorized (expired challenge)", err)
	}
}
