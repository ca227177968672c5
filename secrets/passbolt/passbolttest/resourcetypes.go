package passbolttest

import (
	"net/http"
	"strings"
	"time"
)

// ResourceTypeID is the id of the resource type slug, the same on every
// Passbolt install: the UUIDv5 of "resource-types.id.<slug>".
func ResourceTypeID(slug string) string { return UUIDv5("resource-types.id." + slug) }

// Resource type slugs the server knows (the v4 types).
const (
	TypePasswordString          = "password-string"
	TypePasswordAndDescription  = "password-and-description"
	TypeTOTP                    = "totp"
	TypePasswordDescriptionTOTP = "password-description-totp"
)

type resourceType struct {
	slug, name, description string
	secret                  map[string]any
}

var typeCreated = time.Date(2021, 6, 1, 0, 0, 0, 0, time.UTC)

var resourceSchema = map[string]any{
	"type": "object", "required": []string{"name"},
	"properties": map[string]any{
		"name":     map[string]any{"type": "string", "maxLength": 255},
		"username": map[string]any{"anyOf": []any{map[string]any{"type": "string", "maxLength": 255}, map[string]any{"type": "null"}}},
		"uri":      map[string]any{"anyOf": []any{map[string]any{"type": "string", "maxLength": 1024}, map[string]any{"type": "null"}}},
	},
}

var totpSchema = map[string]any{
	"type": "object", "required": []string{"secret_key", "digits", "algorithm"},
	"properties": map[string]any{
		"algorithm":  map[string]any{"type": "string", "enum": []string{"SHA1", "SHA256", "SHA512"}},
		"secret_key": map[string]any{"type": "string", "maxLength": 1024},
		"digits":     map[string]any{"type": "number", "minimum": 6, "maximum": 8},
		"period":     map[string]any{"type": "number"},
	},
}

var resourceTypes = []resourceType{
	{TypePasswordString, "Simple password", "The original passbolt resource type, where the secret is a non empty string.",
		map[string]any{"type": "string", "maxLength": 4096}},
	{TypePasswordAndDescription, "Password with description", "A resource with the password and the description encrypted.",
		map[string]any{"type": "object", "required": []string{"password"}, "properties": map[string]any{
			"password":    map[string]any{"type": "string", "maxLength": 4096},
			"description": map[string]any{"anyOf": []any{map[string]any{"type": "string", "maxLength": 10000}, map[string]any{"type": "null"}}},
		}}},
	{TypeTOTP, "Standalone TOTP", "A resource with standalone TOTP fields.",
		map[string]any{"type": "object", "required": []string{"totp"}, "properties": map[string]any{"totp": totpSchema}}},
	{TypePasswordDescriptionTOTP, "Password, Description and TOTP", "A resource with encrypted password, description and TOTP fields.",
		map[string]any{"type": "object", "required": []string{"password", "totp"}, "properties": map[string]any{
			"password":    map[string]any{"type": "string", "maxLength": 4096},
			"description": map[string]any{"anyOf": []any{map[string]any{"type": "string", "maxLength": 10000}, map[string]any{"type": "null"}}},
			"totp":        totpSchema,
		}}},
}

func knownType(id string) bool {
	for _, t := range resourceTypes {
		if ResourceTypeID(t.slug) == strings.ToLower(id) {
			return true
		}
	}
	return false
}

func renderType(t resourceType) map[string]any {
	return map[string]any{
		"id": ResourceTypeID(t.slug), "slug": t.slug, "name": t.name, "description": t.description,
		"definition": map[string]any{"resource": resourceSchema, "secret": t.secret},
		"created":    stamp(typeCreated), "modified": stamp(typeCreated),
	}
}

func (s *Server) resourceTypesIndex(c *call) {
	out := make([]map[string]any, 0, len(resourceTypes))
	for _, t := range resourceTypes {
		out = append(out, renderType(t))
	}
	s.ok(c.w, c.r, c.action, msgOK, out)
}

func (s *Server) resourceTypesView(c *call) {
	id := c.r.PathValue("id")
	if !isUUID(id) {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The resource type identifier should be a valid UUID.", nil)
		return
	}
	for _, t := range resourceTypes {
		if ResourceTypeID(t.slug) == strings.ToLower(id) {
			s.ok(c.w, c.r, c.action, msgOK, renderType(t))
			return
		}
	}
	s.reply(c.w, c.r, c.action, http.StatusNotFound, "The resource type does not exist.", nil)
}
