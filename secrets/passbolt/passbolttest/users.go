package passbolttest

import (
	"net/http"
	"sort"
	"strings"
)

// usersIndex serves GET /users.json: active users with gpgkey, profile,
// role and groups_users; filters search, has-access (the caller must have
// access to that resource, or 403) and has-groups.
func (s *Server) usersIndex(c *call) {
	q := c.r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	var with map[string]int
	if id := q.Get("filter[has-access]"); id != "" {
		if !isUUID(id) {
			s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The resource identifier should be a valid UUID.", nil)
			return
		}
		if _, perm := s.resourceFor(strings.ToLower(id), c.caller); perm == 0 {
			s.reply(c.w, c.r, c.action, http.StatusForbidden, "You do not have the permission to access this resource.", nil)
			return
		}
		with = s.access(strings.ToLower(id), s.perms)
	}
	groups := q["filter[has-groups][]"]
	if g := q.Get("filter[has-groups]"); g != "" {
		groups = append(groups, g)
	}
	search := strings.ToLower(q.Get("filter[search]"))
	out := []map[string]any{}
	for _, u := range s.sortedUsers() {
		if !u.active || u.deleted {
			continue
		}
		if with != nil && with[u.id] == 0 {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(u.username+" "+u.first+" "+u.last), search) {
			continue
		}
		if len(groups) > 0 && !s.inAllGroups(u.id, groups) {
			continue
		}
		out = append(out, s.renderUser(u))
	}
	s.ok(c.w, c.r, c.action, msgOK, out)
}

func (s *Server) inAllGroups(uid string, groups []string) bool {
	for _, gid := range groups {
		g := s.groups[strings.ToLower(gid)]
		if g == nil {
			return false
		}
		found := false
		for _, m := range g.members {
			found = found || m.userID == uid
		}
		if !found {
			return false
		}
	}
	return true
}

func (s *Server) usersMe(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ok(c.w, c.r, c.action, msgOK, s.renderUser(c.caller))
}

// usersView serves GET /users/{id}.json.
func (s *Server) usersView(c *call) {
	id := c.r.PathValue("id")
	if !isUUID(id) {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The user identifier should be a valid UUID.", nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[strings.ToLower(id)]
	if u == nil || u.deleted || !u.active {
		s.reply(c.w, c.r, c.action, http.StatusNotFound, "The user does not exist.", nil)
		return
	}
	s.ok(c.w, c.r, c.action, msgOK, s.renderUser(u))
}

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

func (s *Server) sortedUsers() []*user {
	out := make([]*user, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return lessFold(out[i].username, out[j].username) })
	return out
}

func (s *Server) sortedGroups() []*group {
	out := make([]*group, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return lessFold(out[i].name, out[j].name) })
	return out
}
