package passbolt

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// User is a Passbolt user with their public key.
type User struct {
	ID        string
	Username  string
	FirstName string
	LastName  string
	Active    bool
	// Key is the user's OpenPGP public key, which secrets shared with
	// them are encrypted to.
	Key PublicKey
	// Groups are the ids of the groups the user belongs to.
	Groups []string

	entity *pgp.Entity // Key.Armored, parsed once
}

// PublicKey is a user's OpenPGP public key as the server stores it.
type PublicKey struct {
	// Armored is the armored public key.
	Armored string
	// Fingerprint is 40 uppercase hex digits, computed by the client from
	// Armored (not taken from the server's row); empty when Armored is
	// not a readable key.
	Fingerprint string
	KeyID       string
	Bits        int
	Type        string
	Created     time.Time
}

type userJSON struct {
	ID       string `json:"id"`
	Username string `json:"username"`
	Active   bool   `json:"active"`
	Profile  struct {
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	} `json:"profile"`
	Gpgkey struct {
		ArmoredKey  string `json:"armored_key"`
		Fingerprint string `json:"fingerprint"`
		KeyID       string `json:"key_id"`
		Bits        int    `json:"bits"`
		Type        string `json:"type"`
		KeyCreated  string `json:"key_created"`
	} `json:"gpgkey"`
	GroupsUsers []struct {
		GroupID string `json:"group_id"`
	} `json:"groups_users"`
}

func (u userJSON) user(keys *keyCache) User {
	out := User{
		ID: u.ID, Username: u.Username, FirstName: u.Profile.FirstName, LastName: u.Profile.LastName, Active: u.Active,
		Key: PublicKey{
			Armored: u.Gpgkey.ArmoredKey, KeyID: u.Gpgkey.KeyID, Bits: u.Gpgkey.Bits, Type: u.Gpgkey.Type,
			Created: parseTime(u.Gpgkey.KeyCreated),
		},
	}
	if k, err := keys.read(u.Gpgkey.ArmoredKey); err == nil {
		out.Key.Fingerprint, out.entity = pgp.Fingerprint(k), k
	}
	for _, g := range u.GroupsUsers {
		out.Groups = append(out.Groups, g.GroupID)
	}
	return out
}

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

// UsersOptions filter Users. The zero value lists every active user.
type UsersOptions struct {
	// HasAccess keeps the users with access to this resource id.
	HasAccess string
	// Search keeps users whose username or name contains it.
	Search string
}

// Users lists active users with their public keys.
func (c *Client) Users(ctx context.Context, opts UsersOptions) ([]User, error) {
	q := url.Values{}
	if opts.HasAccess != "" {
		if !isUUID(opts.HasAccess) {
			return nil, invalid("users filter", "HasAccess", "want a resource UUID")
		}
		q.Set("filter[has-access]", opts.HasAccess)
	}
	if opts.Search != "" {
		q.Set("filter[search]", opts.Search)
	}
	var rows []userJSON
	if err := c.call(ctx, request{op: "list users", method: http.MethodGet, path: "/users", query: q, out: &rows}); err != nil {
		return nil, err
	}
	out := make([]User, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.user(&c.keys))
	}
	return out, nil
}

// User returns the user id.
func (c *Client) User(ctx context.Context, id string) (User, error) {
	if !isUUID(id) {
		return User{}, invalid("user", "ID", "want a UUID")
	}
	var row userJSON
	err := c.call(ctx, request{op: "read user " + id, method: http.MethodGet, path: "/users/" + id, out: &row})
	return row.user(&c.keys), err
}

// Me returns the logged-in user.
func (c *Client) Me(ctx context.Context) (User, error) {
	var row userJSON
	err := c.call(ctx, request{op: "read user me", method: http.MethodGet, path: "/users/me", out: &row})
	return row.user(&c.keys), err
}
