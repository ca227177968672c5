package passbolttest

import (
	"net/url"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// stamp formats times as the real server does: 2024-09-11T16:10:18+00:00.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

// contains reads contain[x]=1 (or true) from the query.
func contains(q url.Values, name string) bool {
	v := strings.ToLower(q.Get("contain[" + name + "]"))
	return v == "1" || v == "true"
}

func (s *Server) renderUser(u *user) map[string]any {
	uid := u.key.PrimaryIdentity()
	name := ""
	if uid != nil {
		name = uid.Name
	}
	bits, _ := u.key.PrimaryKey.BitLength()
	return map[string]any{
		"id": u.id, "role_id": UUIDv5("roles.id.user"), "username": u.username,
		"active": u.active, "deleted": u.deleted, "disabled": nil,
		"created": stamp(u.created), "modified": stamp(u.created), "last_logged_in": nil,
		"is_mfa_enabled": false,
		"profile": map[string]any{
			"id": UUIDv5("profiles.id." + u.id), "user_id": u.id, "first_name": u.first, "last_name": u.last,
			"created": stamp(u.created), "modified": stamp(u.created),
		},
		"role": map[string]any{"id": UUIDv5("roles.id.user"), "name": "user"},
		"gpgkey": map[string]any{
			"id": u.keyID, "user_id": u.id, "armored_key": u.armoredKey, "bits": bits, "uid": name,
			"key_id": pgp.KeyID(u.key), "fingerprint": pgp.Fingerprint(u.key), "type": keyType(u),
			"expires": nil, "key_created": stamp(u.key.PrimaryKey.CreationTime), "deleted": false,
			"created": stamp(u.created), "modified": stamp(u.created),
		},
		"groups_users": s.groupsOfUser(u.id),
	}
}

func keyType(u *user) string {
	switch u.key.PrimaryKey.PubKeyAlgo {
	case 1, 2, 3:
		return "RSA"
	case 22:
		return "EdDSA"
	case 19:
		return "ECDSA"
	}
	return "unknown"
}

// groupsOfUser lists the caller's group memberships. The caller holds s.mu.
func (s *Server) groupsOfUser(uid string) []map[string]any {
	out := []map[string]any{}
	for _, g := range s.sortedGroups() {
		for _, m := range g.members {
			if m.userID == uid {
				out = append(out, renderGroupUser(g, m))
			}
		}
	}
	return out
}

func renderGroupUser(g *group, m groupUser) map[string]any {
	return map[string]any{"id": m.id, "group_id": g.id, "user_id": m.userID, "is_admin": m.admin, "created": stamp(m.created)}
}

func (s *Server) renderResource(r *resource) map[string]any {
	var desc any
	if r.hasDescription {
		desc = r.description
	}
	personal := len(s.access(r.id, s.perms)) == 1
	return map[string]any{
		"id": r.id, "name": r.name, "username": r.username, "uri": r.uri, "description": desc,
		"deleted": r.deleted, "created": stamp(r.created), "modified": stamp(r.modified),
		"created_by": r.createdBy, "modified_by": r.modifiedBy, "resource_type_id": r.typeID,
		"expired": nil, "folder_parent_id": nil, "personal": personal,
	}
}

func renderPermission(p *permission) map[string]any {
	return map[string]any{
		"id": p.id, "aco": "Resource", "aco_foreign_key": p.acoID, "aro": p.aro, "aro_foreign_key": p.aroID,
		"type": p.typ, "created": stamp(p.created), "modified": stamp(p.modified),
	}
}

func renderSecret(x *secret) map[string]any {
	return map[string]any{
		"id": x.id, "user_id": x.userID, "resource_id": x.resourceID, "data": x.data,
		"created": stamp(x.created), "modified": stamp(x.modified),
	}
}
