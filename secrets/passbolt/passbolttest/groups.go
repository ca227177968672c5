package passbolttest

import "strings"

// groupsIndex serves GET /groups.json; contain[groups_users]=1 adds the
// memberships; filter[has-users][] keeps groups holding every user given.
func (s *Server) groupsIndex(c *call) {
	q := c.r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	users := q["filter[has-users][]"]
	out := []map[string]any{}
	for _, g := range s.sortedGroups() {
		keep := true
		for _, uid := range users {
			found := false
			for _, m := range g.members {
				found = found || strings.EqualFold(m.userID, uid)
			}
			keep = keep && found
		}
		if !keep {
			continue
		}
		row := map[string]any{
			"id": g.id, "name": g.name, "deleted": false, "created": stamp(g.created), "modified": stamp(g.created),
			"created_by": nil, "modified_by": nil,
		}
		if contains(q, "groups_users") {
			gu := []map[string]any{}
			for _, m := range g.members {
				gu = append(gu, renderGroupUser(g, m))
			}
			row["groups_users"] = gu
		}
		out = append(out, row)
	}
	s.ok(c.w, c.r, c.action, msgOK, out)
}
