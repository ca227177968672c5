package passbolt

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// Resource is a password entry's cleartext metadata.
type Resource struct {
	ID             string
	Name           string
	Username       string
	URI            string
	Description    string // cleartext description (TypePasswordString only)
	ResourceTypeID string
	CreatedBy      string
	ModifiedBy     string
	Created        time.Time
	Modified       time.Time
	// Personal is true when only one user has access.
	Personal bool
	// Permission is the caller's permission, when the server sent it.
	Permission PermissionType
}

// ResourceInput is what CreateResource and UpdateResource send.
type ResourceInput struct {
	Name        string
	Username    string
	URI         string
	Description string // cleartext; only for TypePasswordString
	// ResourceTypeID defaults to TypePasswordAndDescription on create and
	// to the resource's current type on update.
	ResourceTypeID string
}

type resourceJSON struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Username       *string `json:"username"`
	URI            *string `json:"uri"`
	Description    *string `json:"description"`
	ResourceTypeID string  `json:"resource_type_id"`
	CreatedBy      string  `json:"created_by"`
	ModifiedBy     string  `json:"modified_by"`
	Created        string  `json:"created"`
	Modified       string  `json:"modified"`
	Personal       bool    `json:"personal"`
	Permission     *struct {
		Type int `json:"type"`
	} `json:"permission"`
	Secrets []secretJSON `json:"secrets"`
}

type secretJSON struct {
	UserID string `json:"user_id"`
	Data   string `json:"data"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (r resourceJSON) resource() Resource {
	out := Resource{
		ID: r.ID, Name: r.Name, Username: deref(r.Username), URI: deref(r.URI), Description: deref(r.Description),
		ResourceTypeID: r.ResourceTypeID, CreatedBy: r.CreatedBy, ModifiedBy: r.ModifiedBy,
		Created: parseTime(r.Created), Modified: parseTime(r.Modified), Personal: r.Personal,
	}
	if r.Permission != nil {
		out.Permission = PermissionType(r.Permission.Type)
	}
	return out
}

// check validates in against the server's limits, before any request.
func (in ResourceInput) check(label string) error {
	switch {
	case strings.TrimSpace(in.Name) == "":
		return invalid(label, "Name", "required")
	case utf8.RuneCountInString(in.Name) > 255:
		return invalid(label, "Name", "longer than 255 characters")
	case utf8.RuneCountInString(in.Username) > 255:
		return invalid(label, "Username", "longer than 255 characters")
	case utf8.RuneCountInString(in.URI) > 1024:
		return invalid(label, "URI", "longer than 1024 characters")
	case utf8.RuneCountInString(in.Description) > MaxDescriptionLength:
		return invalid(label, "Description", "longer than %d characters", MaxDescriptionLength)
	case in.ResourceTypeID != "" && !isUUID(in.ResourceTypeID):
		return invalid(label, "ResourceTypeID", "want a UUID")
	case in.Description != "" && in.ResourceTypeID != "" && !strings.EqualFold(in.ResourceTypeID, TypePasswordString):
		return invalid(label, "Description", "this resource type encrypts the description: set Secret.Description")
	}
	for _, s := range []string{in.Name, in.Username, in.URI, in.Description} {
		if !utf8.ValidString(s) {
			return invalid(label, "", "not valid UTF-8")
		}
	}
	return nil
}

func (in ResourceInput) body(typeID string) map[string]any {
	b := map[string]any{"name": in.Name, "username": in.Username, "uri": in.URI, "resource_type_id": typeID}
	if strings.EqualFold(typeID, TypePasswordString) {
		b["description"] = in.Description
	}
	return b
}

// CreateResource creates a resource owned by the caller, its secret
// encrypted for the caller and signed by the caller's key.
func (c *Client) CreateResource(ctx context.Context, in ResourceInput, secret Secret) (Resource, error) {
	label := fmt.Sprintf("resource %q", in.Name)
	if in.ResourceTypeID == "" {
		in.ResourceTypeID = TypePasswordAndDescription
	}
	if err := in.check(label); err != nil {
		return Resource{}, err
	}
	plain, err := encodeSecret(label, in.ResourceTypeID, secret)
	if err != nil {
		return Resource{}, err
	}
	defer clear(plain)
	data, err := pgp.Encrypt(plain, []*pgp.Entity{c.key}, c.key)
	if err != nil {
		return Resource{}, fmt.Errorf("passbolt: create %s: encrypt: %w", label, err)
	}
	body := in.body(strings.ToLower(in.ResourceTypeID))
	body["secrets"] = []secretJSON{{Data: data}}
	var out resourceJSON
	if err := c.call(ctx, request{op: "create " + label, method: http.MethodPost, path: "/resources", in: body, out: &out}); err != nil {
		return Resource{}, err
	}
	return out.resource(), nil
}

// Resource returns a resource's metadata (no secret).
func (c *Client) Resource(ctx context.Context, id string) (Resource, error) {
	if !isUUID(id) {
		return Resource{}, invalid("resource", "ID", "want a UUID")
	}
	var out resourceJSON
	q := url.Values{"contain[permission]": {"1"}}
	err := c.call(ctx, request{op: "read resource " + id, method: http.MethodGet, path: "/resources/" + id, query: q, out: &out})
	return out.resource(), err
}

// Resources lists the resources the caller can read (metadata only).
func (c *Client) Resources(ctx context.Context) ([]Resource, error) {
	var rows []resourceJSON
	q := url.Values{"contain[permission]": {"1"}}
	if err := c.call(ctx, request{op: "list resources", method: http.MethodGet, path: "/resources", query: q, out: &rows}); err != nil {
		return nil, err
	}
	out := make([]Resource, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.resource())
	}
	return out, nil
}

// ReadResource returns a resource with its secret decrypted.
func (c *Client) ReadResource(ctx context.Context, id string) (Resource, Secret, error) {
	if !isUUID(id) {
		return Resource{}, Secret{}, invalid("resource", "ID", "want a UUID")
	}
	var out resourceJSON
	q := url.Values{"contain[secret]": {"1"}, "contain[permission]": {"1"}}
	if err := c.call(ctx, request{op: "read resource " + id, method: http.MethodGet, path: "/resources/" + id, query: q, out: &out}); err != nil {
		return Resource{}, Secret{}, err
	}
	if len(out.Secrets) == 0 {
		return Resource{}, Secret{}, &APIError{Op: "read resource " + id, Status: http.StatusNotFound, Message: "the reply holds no secret for this user"}
	}
	plain, err := c.decrypt("resource "+id, out.Secrets[0].Data)
	if err != nil {
		return Resource{}, Secret{}, err
	}
	s, err := decodeSecret("resource "+id, out.ResourceTypeID, plain)
	return out.resource(), s, err
}

// decrypt opens a secret encrypted for the caller.
func (c *Client) decrypt(label, armored string) ([]byte, error) {
	dec, err := pgp.Decrypt(armored, c.key)
	if err != nil {
		return nil, fmt.Errorf("passbolt: %s: decrypt secret: %w", label, err)
	}
	return dec.Plaintext, nil
}

// UpdateResource replaces the resource's metadata and, when secret is not
// nil, its secret: encrypted again for every user with access (directly
// or through a group), as the server requires.
func (c *Client) UpdateResource(ctx context.Context, id string, in ResourceInput, secret *Secret) (Resource, error) {
	label := "resource " + id
	if !isUUID(id) {
		return Resource{}, invalid("resource", "ID", "want a UUID")
	}
	if in.ResourceTypeID == "" {
		// The server resets a missing type to password-string: send the
		// current one.
		cur, err := c.Resource(ctx, id)
		if err != nil {
			return Resource{}, err
		}
		in.ResourceTypeID = cur.ResourceTypeID
	}
	if err := in.check(label); err != nil {
		return Resource{}, err
	}
	body := in.body(strings.ToLower(in.ResourceTypeID))
	if secret != nil {
		plain, err := encodeSecret(label, in.ResourceTypeID, *secret)
		if err != nil {
			return Resource{}, err
		}
		defer clear(plain)
		users, err := c.Users(ctx, UsersOptions{HasAccess: id})
		if err != nil {
			return Resource{}, err
		}
		secs, err := c.encryptFor(label, plain, users)
		if err != nil {
			return Resource{}, err
		}
		body["secrets"] = secs
	}
	var out resourceJSON
	if err := c.call(ctx, request{op: "update " + label, method: http.MethodPut, path: "/resources/" + id, in: body, out: &out}); err != nil {
		return Resource{}, err
	}
	return out.resource(), nil
}

// encryptFor encrypts plain for each user, signed by the caller.
func (c *Client) encryptFor(label string, plain []byte, users []User) ([]secretJSON, error) {
	out := make([]secretJSON, 0, len(users))
	for _, u := range users {
		k := u.entity
		if k == nil {
			var err error
			if k, err = pgp.ReadKey(u.Key.Armored); err != nil {
				return nil, fmt.Errorf("passbolt: %s: public key of user %s: %w", label, u.ID, err)
			}
		}
		data, err := pgp.Encrypt(plain, []*pgp.Entity{k}, c.key)
		if err != nil {
			return nil, fmt.Errorf("passbolt: %s: encrypt for user %s: %w", label, u.ID, err)
		}
		out = append(out, secretJSON{UserID: u.ID, Data: data})
	}
	return out, nil
}

// DeleteResource deletes the resource (a soft delete on the server).
func (c *Client) DeleteResource(ctx context.Context, id string) error {
	if !isUUID(id) {
		return invalid("resource", "ID", "want a UUID")
	}
	return c.call(ctx, request{op: "delete resource " + id, method: http.MethodDelete, path: "/resources/" + id})
}
