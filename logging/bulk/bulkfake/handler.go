package bulkfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

type errBody struct {
	Type   string `json:"type"`
	Reason string `json:"reason"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func requestError(w http.ResponseWriter, status int, typ, reason string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"type": typ, "reason": reason}, "status": status})
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	path := strings.Trim(r.URL.Path, "/")
	defIndex := ""
	switch {
	case path == "_bulk":
	case strings.HasSuffix(path, "/_bulk") && !strings.Contains(strings.TrimSuffix(path, "/_bulk"), "/"):
		defIndex = strings.TrimSuffix(path, "/_bulk")
	default:
		requestError(w, http.StatusNotFound, "no_handler", "no handler for "+r.Method+" /"+path)
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		requestError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" not allowed on _bulk")
		return
	}
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/x-ndjson") && !strings.HasPrefix(ct, "application/json") {
		requestError(w, http.StatusNotAcceptable, "media_type_header_exception", "Content-Type header ["+ct+"] is not supported")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(s.maxContent)+1))
	if err != nil {
		requestError(w, http.StatusBadRequest, "io_exception", err.Error())
		return
	}
	if err := s.authenticate(r, body); err != nil {
		writeJSON(w, http.StatusForbidden, map[string]any{"message": err.Error()})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	if len(body) > s.maxContent {
		w.WriteHeader(http.StatusRequestEntityTooLarge) // nginx/ES answer without a JSON body
		return
	}
	if s.failRequests > 0 {
		s.failRequests--
		requestError(w, s.failStatus, "es_rejected_execution_exception", "rejected execution (injected)")
		return
	}
	if len(body) == 0 {
		requestError(w, http.StatusBadRequest, "action_request_validation_exception", "Validation Failed: 1: no requests added;")
		return
	}
	if body[len(body)-1] != '\n' {
		requestError(w, http.StatusBadRequest, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]")
		return
	}
	items, perr := s.process(body, defIndex)
	if perr != nil {
		requestError(w, http.StatusBadRequest, "illegal_argument_exception", perr.Error())
		return
	}
	errs := false
	for _, it := range items {
		for _, v := range it {
			if _, ok := v["error"]; ok {
				errs = true
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"took": 1, "errors": errs, "items": items})
}
