package passbolttest

import (
	"net/http"
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
