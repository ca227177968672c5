package passbolttest

import (
	"fmt"
	"strings"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// User is an account on the server.
type User struct {
	// ID is the user's UUID (the user_id of the JWT login).
	ID string
	// Username is the user's email address.
	Username string
	// PrivateKey is the user's armored private key, unprotected; empty
	// for users added with AddUserKey.
	PrivateKey string
	// PublicKey is the user's armored public key.
	PublicKey string
	// Fingerprint is the key's fingerprint, 40 uppercase hex digits.
	Fingerprint string
}

// AddUser makes an active user with a new OpenPGP key pair and returns it
// with its private key.
func (s *Server) AddUser(username string) (User, error) {
	k, err := pgp.Generate(username, username, s.now())
	if err != nil {
		return User{}, fmt.Errorf("passbolttest: key for user %q: %w", username, err)
	}
	priv, err := pgp.ArmorPrivate(k)
	if err != nil {
		return User{}, fmt.Errorf("passbolttest: key for user %q: %w", username, err)
	}
	pub, err := pgp.ArmorPublic(k)
	if err != nil {
		return User{}, fmt.Errorf("passbolttest: key for user %q: %w", username, err)
	}
	u, err := s.AddUserKey(username, pub)
	u.PrivateKey = priv
	return u, err
}

// AddUserKey makes an active user whose key is the armored public key
// given (for users who bring their own key, made by GnuPG for example).
func (s *Server) AddUserKey(username, publicKey string) (User, error) {
	if username == "" || len(username) > 255 {
		return User{}, fmt.Errorf("passbolttest: invalid username %q", username)
	}
	k, err := pgp.ReadKey(publicKey)
	if err != nil {
		return User{}, fmt.Errorf("passbolttest: public key of user %q: %w", username, err)
	}
	pub, err := pgp.ArmorPublic(k)
	if err != nil {
		return User{}, fmt.Errorf("passbolttest: public key of user %q: %w", username, err)
	}
	first, _, _ := strings.Cut(username, "@")
	u := &user{
		id: newUUID(), username: username, first: first, last: "Test",
		key: k, armoredKey: pub, keyID: newUUID(), active: true, created: s.now(),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.users {
		if o.username == username {
			return User{}, fmt.Errorf("passbolttest: user %q exists", username)
		}
	}
	s.users[u.id] = u
	return User{ID: u.id, Username: username, PublicKey: pub, Fingerprint: pgp.Fingerprint(k)}, nil
}

// SetActive activates or deactivates the user id. An inactive user cannot
// log in (404) and does not count among the users with access.
func (s *Server) SetActive(id string, active bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[id]
	if u == nil {
		return fmt.Errorf("passbolttest: no user %q", id)
	}
	u.active = active
	return nil
}

// Group is a group of users on the server.
type Group struct {
	// ID is the group's UUID.
	ID string
	// Name is the group's name.
	Name string
}

// AddGroup makes a group with the given members (user ids); the first
// member is its manager.
func (s *Server) AddGroup(name string, members ...string) (Group, error) {
	if name == "" || len(name) > 255 {
		return Group{}, fmt.Errorf("passbolttest: invalid group name %q", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &group{id: newUUID(), name: name, created: s.now()}
	for i, m := range members {
		if s.users[m] == nil {
			return Group{}, fmt.Errorf("passbolttest: group %q: no user %q", name, m)
		}
		g.members = append(g.members, groupUser{id: newUUID(), userID: m, admin: i == 0, created: s.now()})
	}
	s.groups[g.id] = g
	return Group{ID: g.id, Name: name}, nil
}

// SecretUsers returns the ids of the users who hold a secret for the
// resource id, sorted: the server's view that tests assert on.
func (s *Server) SecretUsers(resourceID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for uid := range s.secrets[resourceID] {
		out = append(out, uid)
	}
	sortStrings(out)
	return out
}
