package passbolttest

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// permissionChange is one entry of a share request: a change, not the
// full list.
type permissionChange struct {
	ID            string `json:"id"`
	Aro           string `json:"aro"`
	AroForeignKey string `json:"aro_foreign_key"`
	Type          int    `json:"type"`
	Delete        bool   `json:"delete"`
}

// applyChanges applies the changes to a copy of the resource's
// permissions and returns it, with the validation errors found. The
// caller holds s.mu.
func (s *Server) applyChanges(r *resource, changes []permissionChange, errs fieldErrors) map[string]*permission {
	next := map[string]*permission{} // this resource's permissions only
	for id, p := range s.perms {
		if p.acoID == r.id {
			cp := *p
			next[id] = &cp
		}
	}
	now := s.now()
	for i, ch := range changes {
		at := "permissions." + strconv.Itoa(i)
		if ch.ID != "" {
			p := next[strings.ToLower(ch.ID)]
			if p == nil || p.acoID != r.id {
				errs.add(at+".id", "permission_exists", "The permission does not exist.")
				continue
			}
			if ch.Delete {
				delete(next, p.id)
				continue
			}
			if !validType(ch.Type) {
				errs.add(at+".type", "inList", "The type should be one of the following: 1, 7, 15.")
				continue
			}
			p.typ, p.modified = ch.Type, now
			continue
		}
		if !validType(ch.Type) {
			errs.add(at+".type", "inList", "The type should be one of the following: 1, 7, 15.")
		}
		aroID := strings.ToLower(ch.AroForeignKey)
		switch ch.Aro {
		case "User":
			if u := s.users[aroID]; u == nil || !u.active || u.deleted {
				errs.add(at+".aro_foreign_key", "aro_exists", "The access request object does not exist.")
			}
		case "Group":
			if s.groups[aroID] == nil {
				errs.add(at+".aro_foreign_key", "aro_exists", "The access request object does not exist.")
			}
		default:
			errs.add(at+".aro", "inList", "The access request object type should be one of the following: User, Group.")
		}
		for _, p := range next {
			if p.acoID == r.id && p.aro == ch.Aro && p.aroID == aroID {
				errs.add(at+".aro_foreign_key", "permission_unique", "A permission already exists for the given access request object.")
			}
		}
		if len(errs) > 0 {
			continue
		}
		p := &permission{id: newUUID(), acoID: r.id, aro: ch.Aro, aroID: aroID, typ: ch.Type, created: now, modified: now}
		next[p.id] = p
	}
	owners := 0
	for _, p := range next {
		if p.acoID == r.id && p.typ == PermissionOwner {
			owners++
		}
	}
	if owners == 0 {
		errs.add("permissions", "at_least_one_owner", "At least one owner permission must be provided.")
	}
	return next
}

func validType(t int) bool {
	return t == PermissionRead || t == PermissionUpdate || t == PermissionOwner
}

// shareTarget reads the body and finds the resource the caller owns,
// answering errors itself. The caller holds s.mu.
func (s *Server) shareTarget(c *call, body []byte, in any) (*resource, bool) {
	r, perm, ok := s.lookup(c)
	if !ok {
		return nil, false
	}
	if perm < PermissionOwner {
		s.reply(c.w, c.r, c.action, http.StatusForbidden, "You are not authorized to share this resource.", nil)
		return nil, false
	}
	if err := json.Unmarshal(body, in); err != nil {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The request data should be a JSON object.", nil)
		return nil, false
	}
	return r, true
}

// share serves PUT /share/resource/{id}.json: OWNER only; the permission
// changes and the secrets apply in one transaction, and afterwards the
// users holding a secret must be exactly the users with access.
func (s *Server) share(c *call) {
	body, _ := io.ReadAll(c.r.Body)
	var in struct {
		Permissions []permissionChange `json:"permissions"`
		Secrets     []secretInput      `json:"secrets"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.shareTarget(c, body, &in)
	if !ok {
		return
	}
	errs := fieldErrors{}
	next := s.applyChanges(r, in.Permissions, errs)
	for i, x := range in.Secrets {
		if !isUUID(x.UserID) {
			errs.add("secrets."+strconv.Itoa(i)+".user_id", "uuid", "The user identifier should be a valid UUID.")
		}
		if pgp.CheckArmor(x.Data) != nil {
			errs.add("secrets."+strconv.Itoa(i)+".data", "isValidOpenPGPMessage", "The message should be a valid ASCII-armored gpg message.")
		}
	}
	if len(errs) > 0 {
		s.invalid(c.w, c.r, c.action, "The shared resource could not be validated.", errs)
		return
	}
	before, after := s.access(r.id, s.perms), s.access(r.id, next)
	// Secrets: provided rows update or create; users who lost access lose
	// theirs; then the holders must equal the users with access.
	held := map[string]bool{}
	for uid := range s.secrets[r.id] {
		held[uid] = true
	}
	for _, x := range in.Secrets {
		held[strings.ToLower(x.UserID)] = true
	}
	for uid := range before {
		if after[uid] == 0 {
			delete(held, uid)
		}
	}
	match := len(held) == len(after)
	for uid := range after {
		match = match && held[uid]
	}
	if !match {
		errs.add("secrets", "secrets_provided", "The secrets should be provided for all the users having access to the resource.")
		s.invalid(c.w, c.r, c.action, "The shared resource could not be validated.", errs)
		return
	}
	for id, p := range s.perms {
		if p.acoID == r.id {
			delete(s.perms, id)
		}
	}
	for id, p := range next {
		s.perms[id] = p
	}
	s.storeSecrets(r.id, in.Secrets, s.now())
	for uid := range s.secrets[r.id] {
		if !held[uid] {
			delete(s.secrets[r.id], uid)
		}
	}
	s.ok(c.w, c.r, c.action, "The resource has been shared successfully.", nil)
}

// shareSimulate serves POST /share/simulate/resource/{id}.json: the users
// who would gain and lose access, group members expanded; nothing changes.
func (s *Server) shareSimulate(c *call) {
	body, _ := io.ReadAll(c.r.Body)
	var in struct {
		Permissions []permissionChange `json:"permissions"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.shareTarget(c, body, &in)
	if !ok {
		return
	}
	errs := fieldErrors{}
	next := s.applyChanges(r, in.Permissions, errs)
	if len(errs) > 0 {
		s.invalid(c.w, c.r, c.action, "The shared resource could not be validated.", errs)
		return
	}
	before, after := s.access(r.id, s.perms), s.access(r.id, next)
	added, removed := diffUsers(after, before), diffUsers(before, after)
	s.ok(c.w, c.r, c.action, msgOK, map[string]any{"changes": map[string]any{"added": added, "removed": removed}})
}

// diffUsers lists, as [{User:{id}}], the users in a but not in b.
func diffUsers(a, b map[string]int) []map[string]any {
	var ids []string
	for uid := range a {
		if b[uid] == 0 {
			ids = append(ids, uid)
		}
	}
	sort.Strings(ids)
	out := []map[string]any{}
	for _, id := range ids {
		out = append(out, map[string]any{"User": map[string]string{"id": id}})
	}
	return out
}
