package passbolt

import (
	"context"
	"encoding/json"
	"net/http"
)

// Resource type ids, the same on every Passbolt install (UUIDv5 of
// "resource-types.id.<slug>").
const (
	// TypePasswordString: the secret is the password itself; the
	// description is cleartext metadata.
	TypePasswordString = "669f8c64-242a-59fb-92fc-81f660975fd3"
	// TypePasswordAndDescription: the secret is JSON holding the password
	// and the description, both encrypted. The default for new resources.
	TypePasswordAndDescription = "a28a04cd-6f53-518a-967c-9963bf9cec51"
	// TypeTOTP: a standalone TOTP secret (not read by this client).
	TypeTOTP = "05ba5c75-504d-5ad6-819a-83af68867d86"
	// TypePasswordDescriptionTOTP: password, description and TOTP (the
	// password and description are read; TOTP is not).
	TypePasswordDescriptionTOTP = "8cca88d9-a3f6-56df-b860-3ef08de5c5c4"
)

// ResourceType is one resource type the server offers.
type ResourceType struct {
	ID          string `json:"id"`
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description"`
	// Definition holds the JSON schemas of the resource and the secret.
	Definition json.RawMessage `json:"definition"`
}

// ResourceTypes lists the resource types the server offers.
func (c *Client) ResourceTypes(ctx context.Context) ([]ResourceType, error) {
	var out []ResourceType
	err := c.call(ctx, request{op: "list resource types", method: http.MethodGet, path: "/resource-types", out: &out})
	return out, err
}
