package passbolttest

// permissionsView serves GET /permissions/resource/{id}.json.
func (s *Server) permissionsView(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, _, ok := s.lookup(c)
	if !ok {
		return
	}
	out := []map[string]any{}
	for _, p := range s.permissionsOf(r.id, s.perms) {
		out = append(out, renderPermission(p))
	}
	s.ok(c.w, c.r, c.action, msgOK, out)
}
