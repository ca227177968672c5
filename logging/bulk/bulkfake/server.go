// Package bulkfake is an in-process server that implements the
// Elasticsearch/OpenSearch _bulk API faithfully enough to test a shipper
// against: NDJSON parsing with the final-newline rule, index/create/update/
// delete actions, per-item results and errors (400 for a bad document, 409
// for create on an existing _id, injected 429 es_rejected_execution_exception),
// whole-request 429/503 injection and 413 above a content-length limit, like
// http.max_content_length. Documents are kept in memory per index.
package bulkfake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Doc is a stored document.
type Doc struct {
	Index   string
	ID      string
	Version int
	Source  json.RawMessage
	// Seq is the order in which the document was first created.
	Seq int64
}

// Server is the bulk server. Its methods are safe for concurrent use.
type Server struct {
	*httptest.Server

	mu             sync.Mutex
	maxContent     int
	indices        map[string]map[string]*Doc
	seq            int64
	requests       int
	rejectItems    int // next N items get 429
	failRequests   int // next N requests get failStatus
	failStatus     int
	autoID         int64
	itemsProcessed int
}

// New starts a server on a loopback port; maxContentLength bounds a
// request body (0 means 10 MiB, AWS OpenSearch's small-instance limit).
// Close it when done.
func New(maxContentLength int) *Server {
	if maxContentLength <= 0 {
		maxContentLength = 10 << 20
	}
	s := &Server{maxContent: maxContentLength, indices: map[string]map[string]*Doc{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// RejectItems makes the next n bulk items fail with a per-item 429.
func (s *Server) RejectItems(n int) {
	s.mu.Lock()
	s.rejectItems = n
	s.mu.Unlock()
}

// FailRequests makes the next n requests fail as a whole with status.
func (s *Server) FailRequests(n, status int) {
	s.mu.Lock()
	s.failRequests, s.failStatus = n, status
	s.mu.Unlock()
}

// Requests returns how many bulk requests arrived (failed ones included).
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Docs returns every document of every index whose name starts with
// prefix, in creation order.
func (s *Server) Docs(prefix string) []Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Doc
	for name, idx := range s.indices {
		if strings.HasPrefix(name, prefix) {
			for _, d := range idx {
				out = append(out, *d)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Indices returns the index names, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k := range s.indices {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

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

// process applies the actions in order; a malformed action line fails the
// whole request, as Elasticsearch does.
func (s *Server) process(body []byte, defIndex string) ([]map[string]map[string]any, error) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), s.maxContent+1)
	var items []map[string]map[string]any
	line := 0
	for sc.Scan() {
		line++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		var action map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal(raw, &action); err != nil || len(action) != 1 {
			return nil, fmt.Errorf("malformed action/metadata line [%d], expected START_OBJECT or an action", line)
		}
		for name, meta := range action {
			if name != "index" && name != "create" && name != "update" && name != "delete" {
				return nil, fmt.Errorf("malformed action/metadata line [%d], expected field [create], [delete], [index] or [update] but found [%s]", line, name)
			}
			var src []byte
			if name != "delete" {
				if !sc.Scan() {
					return nil, fmt.Errorf("validation failed: 1: source is missing for action [%s] at line [%d]", name, line+1)
				}
				line++
				src = append([]byte(nil), bytes.TrimSpace(sc.Bytes())...)
			}
			index := meta.Index
			if index == "" {
				index = defIndex
			}
			items = append(items, map[string]map[string]any{name: s.apply(name, index, meta.ID, src)})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return items, nil
}

func (s *Server) apply(action, index, id string, src []byte) map[string]any {
	s.itemsProcessed++
	res := map[string]any{"_index": index, "_id": id}
	fail := func(status int, typ, reason string) map[string]any {
		res["status"] = status
		res["error"] = errBody{Type: typ, Reason: reason}
		return res
	}
	if index == "" {
		return fail(400, "action_request_validation_exception", "index is missing")
	}
	if index != strings.ToLower(index) || strings.HasPrefix(index, "_") || strings.ContainsAny(index, `\/*?"<>| ,#:`) {
		return fail(400, "invalid_index_name_exception", "Invalid index name ["+index+"]")
	}
	if len(id) > 512 {
		return fail(400, "illegal_argument_exception", "id ["+id[:20]+"...] is too long, must be no longer than 512 bytes")
	}
	if s.rejectItems > 0 {
		s.rejectItems--
		return fail(429, "es_rejected_execution_exception", "rejected execution of coordinating operation (injected)")
	}
	idx := s.indices[index]
	if action != "delete" {
		var obj map[string]json.RawMessage
		if action == "update" {
			var upd struct {
				Doc json.RawMessage `json:"doc"`
			}
			if json.Unmarshal(src, &upd) != nil || upd.Doc == nil {
				return fail(400, "action_request_validation_exception", "script or doc is missing")
			}
			src = upd.Doc
		}
		if err := json.Unmarshal(src, &obj); err != nil {
			return fail(400, "mapper_parsing_exception", "failed to parse: "+err.Error())
		}
	}
	if idx == nil {
		if action == "delete" || action == "update" {
			return fail(404, "index_not_found_exception", "no such index ["+index+"]")
		}
		idx = map[string]*Doc{}
		s.indices[index] = idx
	}
	if id == "" {
		if action != "index" && action != "create" {
			return fail(400, "action_request_validation_exception", "id is missing")
		}
		s.autoID++
		id = "auto-" + strconv.FormatInt(s.autoID, 10)
		res["_id"] = id
	}
	cur := idx[id]
	switch action {
	case "create":
		if cur != nil {
			return fail(409, "version_conflict_engine_exception", "["+id+"]: version conflict, document already exists (current version ["+strconv.Itoa(cur.Version)+"])")
		}
		fallthrough
	case "index":
		if cur == nil {
			s.seq++
			idx[id] = &Doc{Index: index, ID: id, Version: 1, Source: src, Seq: s.seq}
			res["result"], res["status"], res["_version"] = "created", 201, 1
		} else {
			cur.Version++
			cur.Source = src
			res["result"], res["status"], res["_version"] = "updated", 200, cur.Version
		}
	case "update":
		if cur == nil {
			return fail(404, "document_missing_exception", "["+id+"]: document missing")
		}
		var old, patch map[string]json.RawMessage
		_ = json.Unmarshal(cur.Source, &old)
		_ = json.Unmarshal(src, &patch)
		for k, v := range patch {
			old[k] = v
		}
		cur.Source, _ = json.Marshal(old)
		cur.Version++
		res["result"], res["status"], res["_version"] = "updated", 200, cur.Version
	case "delete":
		if cur == nil {
			res["result"], res["status"] = "not_found", 404
			return res
		}
		delete(idx, id)
		res["result"], res["status"], res["_version"] = "deleted", 200, cur.Version+1
	}
	return res
}
