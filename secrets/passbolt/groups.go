package passbolt

import (
	"context"
	"net/http"
	"net/url"
)

// Group is a group of users.
type Group struct {
	ID      string
	Name    string
	Members []GroupMember
}

// GroupMember is one user's membership of a group.
type GroupMember struct {
	UserID string
	// Manager is true for the group's managers.
	Manager bool
}

// Groups lists the groups with their members.
func (c *Client) Groups(ctx context.Context) ([]Group, error) {
	var rows []struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		GroupsUsers []struct {
			UserID  string `json:"user_id"`
			IsAdmin bool   `json:"is_admin"`
		} `json:"groups_users"`
	}
	q := url.Values{"contain[groups_users]": {"1"}}
	if err := c.call(ctx, request{op: "list groups", method: http.MethodGet, path: "/groups", query: q, out: &rows}); err != nil {
		return nil, err
	}
	out := make([]Group, 0, len(rows))
	for _, r := range rows {
		g := Group{ID: r.ID, Name: r.Name}
		for _, m := range r.GroupsUsers {
			g.Members = append(g.Members, GroupMember{UserID: m.UserID, Manager: m.IsAdmin})
		}
		out = append(out, g)
	}
	return out, nil
}
