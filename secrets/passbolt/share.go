package passbolt

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// PermissionType is a permission level.
type PermissionType int

// Permission levels, as the server numbers them.
const (
	Read   PermissionType = 1
	Update PermissionType = 7
	Owner  PermissionType = 15
)

func (t PermissionType) valid() bool { return t == Read || t == Update || t == Owner }

// Permission is one user's or group's permission on a resource.
type Permission struct {
	ID         string
	ResourceID string
	// Aro is "User" or "Group"; AroID is that user's or group's id.
	Aro   string
	AroID string
	Type  PermissionType
}

// Permissions lists the permissions on a resource; their ids are what
// Revoke and SetType take.
func (c *Client) Permissions(ctx context.Context, resourceID string) ([]Permission, error) {
	if !isUUID(resourceID) {
		return nil, invalid("resource", "ID", "want a UUID")
	}
	var rows []struct {
		ID            string `json:"id"`
		AcoForeignKey string `json:"aco_foreign_key"`
		Aro           string `json:"aro"`
		AroForeignKey string `json:"aro_foreign_key"`
		Type          int    `json:"type"`
	}
	err := c.call(ctx, request{op: "list permissions of resource " + resourceID, method: http.MethodGet, path: "/permissions/resource/" + resourceID, out: &rows})
	out := make([]Permission, 0, len(rows))
	for _, r := range rows {
		out = append(out, Permission{ID: r.ID, ResourceID: r.AcoForeignKey, Aro: r.Aro, AroID: r.AroForeignKey, Type: PermissionType(r.Type)})
	}
	return out, err
}

// PermissionChange is one change a share makes: a new permission
// (GrantUser, GrantGroup), a changed one (SetType) or a removed one
// (Revoke).
type PermissionChange struct {
	ID     string         `json:"id,omitempty"`
	Aro    string         `json:"aro,omitempty"`
	AroID  string         `json:"aro_foreign_key,omitempty"`
	Type   PermissionType `json:"type,omitempty"`
	Delete bool           `json:"delete,omitempty"`
}

// GrantUser gives the user t on the resource.
func GrantUser(userID string, t PermissionType) PermissionChange {
	return PermissionChange{Aro: "User", AroID: userID, Type: t}
}

// GrantGroup gives every member of the group t on the resource.
func GrantGroup(groupID string, t PermissionType) PermissionChange {
	return PermissionChange{Aro: "Group", AroID: groupID, Type: t}
}

// SetType changes an existing permission's level.
func SetType(permissionID string, t PermissionType) PermissionChange {
	return PermissionChange{ID: permissionID, Type: t}
}

// Revoke removes an existing permission.
func Revoke(permissionID string) PermissionChange {
	return PermissionChange{ID: permissionID, Delete: true}
}

func checkChanges(resourceID string, changes []PermissionChange) error {
	label := "share of resource " + resourceID
	if !isUUID(resourceID) {
		return invalid("resource", "ID", "want a UUID")
	}
	if len(changes) == 0 {
		return invalid(label, "changes", "none given")
	}
	for i, ch := range changes {
		field := fmt.Sprintf("changes[%d]", i)
		switch {
		case ch.ID != "" && !isUUID(ch.ID):
			return invalid(label, field, "permission id is not a UUID")
		case ch.ID == "" && ch.Aro != "User" && ch.Aro != "Group":
			return invalid(label, field, "want a User or Group grant, or a permission id")
		case ch.ID == "" && !isUUID(ch.AroID):
			return invalid(label, field, "%s id is not a UUID", strings.ToLower(ch.Aro))
		case !ch.Delete && !ch.Type.valid():
			return invalid(label, field, "type %d is not Read (1), Update (7) or Owner (15)", ch.Type)
		}
	}
	return nil
}

// ShareResult lists the users who gain and who lose access (group
// members expanded).
type ShareResult struct {
	Added   []string
	Removed []string
}

// SimulateShare asks the server which users the changes would add and
// remove, changing nothing.
func (c *Client) SimulateShare(ctx context.Context, resourceID string, changes ...PermissionChange) (ShareResult, error) {
	if err := checkChanges(resourceID, changes); err != nil {
		return ShareResult{}, err
	}
	var out struct {
		Changes struct {
			Added   []struct{ User struct{ ID string } } `json:"added"`
			Removed []struct{ User struct{ ID string } } `json:"removed"`
		} `json:"changes"`
	}
	err := c.call(ctx, request{
		op: "simulate share of resource " + resourceID, method: http.MethodPost, path: "/share/simulate/resource/" + resourceID,
		in: map[string]any{"permissions": changes}, out: &out,
	})
	var res ShareResult
	for _, a := range out.Changes.Added {
		res.Added = append(res.Added, a.User.ID)
	}
	for _, r := range out.Changes.Removed {
		res.Removed = append(res.Removed, r.User.ID)
	}
	return res, err
}

// Share applies the changes: it simulates them first, encrypts the
// secret for each user who gains access, and sends both in one request
// (the server applies them in one transaction). If access changes between
// the simulation and the share, the server refuses it with a
// *ValidationError on "secrets" (secrets_provided) and nothing changes;
// calling Share again simulates afresh.
func (c *Client) Share(ctx context.Context, resourceID string, changes ...PermissionChange) (ShareResult, error) {
	res, err := c.SimulateShare(ctx, resourceID, changes...)
	if err != nil {
		return ShareResult{}, err
	}
	label := "share of resource " + resourceID
	secs := []secretJSON{}
	if len(res.Added) > 0 {
		var own secretJSON
		if err := c.call(ctx, request{op: "read secret of resource " + resourceID, method: http.MethodGet, path: "/secrets/resource/" + resourceID, out: &own}); err != nil {
			return ShareResult{}, err
		}
		plain, err := c.decrypt("resource "+resourceID, own.Data)
		if err != nil {
			return ShareResult{}, err
		}
		defer clear(plain)
		users, err := c.Users(ctx, UsersOptions{})
		if err != nil {
			return ShareResult{}, err
		}
		byID := map[string]User{}
		for _, u := range users {
			byID[strings.ToLower(u.ID)] = u
		}
		targets := make([]User, 0, len(res.Added))
		for _, id := range res.Added {
			u, ok := byID[strings.ToLower(id)]
			if !ok {
				return ShareResult{}, fmt.Errorf("passbolt: %s: user %s gains access but has no public key in the user list: %w", label, id, ErrNotFound)
			}
			targets = append(targets, u)
		}
		if secs, err = c.encryptFor(label, plain, targets); err != nil {
			return ShareResult{}, err
		}
	}
	err = c.call(ctx, request{
		op: label, method: http.MethodPut, path: "/share/resource/" + resourceID,
		in: map[string]any{"permissions": changes, "secrets": secs},
	})
	if err != nil {
		return ShareResult{}, err
	}
	return res, nil
}
