package bulkfake

import (
	"net/http"
)

// Authenticate makes the server check every _bulk request with check
// before it is processed, as a cluster with authentication does: a
// non-nil error is answered with 403 and {"message": error text}, as
// Amazon OpenSearch Service answers a bad signature, and the request is
// not counted. body is the request body; check must not keep it. A nil
// check accepts everything again.
func (s *Server) Authenticate(check func(r *http.Request, body []byte) error) {
	s.mu.Lock()
	s.auth = check
	s.mu.Unlock()
}

func (s *Server) authenticate(r *http.Request, body []byte) error {
	s.mu.Lock()
	check := s.auth
	s.mu.Unlock()
	if check == nil {
		return nil
	}
	return check(r, body)
}
