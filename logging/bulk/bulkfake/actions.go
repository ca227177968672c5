package bulkfake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

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
