package passbolttest

import (
	"encoding/json"
	"net/http"
	"strings"
)

// header is the envelope header every JSON reply carries.
type header struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	ServerTime int64  `json:"servertime"`
	Action     string `json:"action"`
	Message    string `json:"message"`
	URL        string `json:"url"`
	Code       int    `json:"code"`
}

type envelope struct {
	Header header `json:"header"`
	Body   any    `json:"body"`
}

const msgOK = "The operation was successful."

// reply writes the envelope. action is "Controller.action".
func (s *Server) reply(w http.ResponseWriter, r *http.Request, action string, code int, message string, body any) {
	status := "success"
	if code >= 400 {
		status = "error"
		if body == nil {
			body = ""
		}
	}
	env := envelope{
		Header: header{
			ID:         newUUID(),
			Status:     status,
			ServerTime: s.now().Unix(),
			Action:     UUIDv5(action),
			Message:    message,
			URL:        requestURI(r),
			Code:       code,
		},
		Body: body,
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(env)
}

func (s *Server) ok(w http.ResponseWriter, r *http.Request, action, message string, body any) {
	s.reply(w, r, action, http.StatusOK, message, body)
}

// fieldErrors is the entity error tree of a 400 validation reply:
// {field: {rule: message}}, nested for associations.
type fieldErrors map[string]any

// add sets the rule's message at the dotted path, e.g.
// "secrets.0.data" "isValidOpenPGPMessage".
func (f fieldErrors) add(path, rule, message string) {
	m := map[string]any(f)
	for _, p := range strings.Split(path, ".") {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[rule] = message
}

func (s *Server) invalid(w http.ResponseWriter, r *http.Request, action, message string, errs fieldErrors) {
	s.reply(w, r, action, http.StatusBadRequest, message, map[string]any(errs))
}

// requestURI is the path and query as the client sent them.
func requestURI(r *http.Request) string {
	if r.RequestURI != "" {
		return r.RequestURI
	}
	return r.URL.RequestURI()
}
