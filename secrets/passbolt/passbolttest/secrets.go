package passbolttest

import (
	"net/http"
	"strings"
)

// secretsView serves GET /secrets/resource/{id}.json: the caller's own
// secret.
func (s *Server) secretsView(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.r.PathValue("id")
	if !isUUID(id) {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The resource identifier should be a valid UUID.", nil)
		return
	}
	r, perm := s.resourceFor(strings.ToLower(id), c.caller)
	var x *secret
	if r != nil && perm > 0 {
		x = s.secrets[r.id][c.caller.id]
	}
	if x == nil {
		s.reply(c.w, c.r, c.action, http.StatusNotFound, "The secret does not exist.", nil)
		return
	}
	s.ok(c.w, c.r, c.action, msgOK, renderSecret(x))
}
