package passbolttest

import (
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// resourcesIndex serves GET /resources.json: the resources the caller can
// read, by name. Contains: secret, permission, permissions. Filters:
// has-id[], is-owned-by-me, is-shared-with-me.
func (s *Server) resourcesIndex(c *call) {
	q := c.r.URL.Query()
	ids := map[string]bool{}
	for _, id := range append(q["filter[has-id][]"], q["filter[has-id]"]...) {
		if !isUUID(id) {
			s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The resource identifier should be a valid UUID.", nil)
			return
		}
		ids[strings.ToLower(id)] = true
	}
	owned := truthy(q.Get("filter[is-owned-by-me]"))
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*resource
	for _, r := range s.resources {
		if r.deleted || (len(ids) > 0 && !ids[r.id]) {
			continue
		}
		perm := s.access(r.id, s.perms)[c.caller.id]
		if perm == 0 || (owned && perm != PermissionOwner) {
			continue
		}
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].name != list[j].name {
			return lessFold(list[i].name, list[j].name)
		}
		return list[i].id < list[j].id
	})
	out := []map[string]any{}
	for _, r := range list {
		out = append(out, s.renderWithContains(r, c.caller, q))
	}
	s.ok(c.w, c.r, c.action, msgOK, out)
}

func truthy(v string) bool {
	v = strings.ToLower(v)
	return v == "1" || v == "true"
}

// renderWithContains adds the asked-for associations. The caller holds s.mu.
func (s *Server) renderWithContains(r *resource, caller *user, q map[string][]string) map[string]any {
	row := s.renderResource(r)
	if contains(q, "secret") {
		secs := []map[string]any{}
		if x := s.secrets[r.id][caller.id]; x != nil {
			secs = append(secs, renderSecret(x))
		}
		row["secrets"] = secs
	}
	if contains(q, "permission") {
		row["permission"] = s.callerPermission(r.id, caller)
	}
	if contains(q, "permissions") {
		ps := []map[string]any{}
		for _, p := range s.permissionsOf(r.id, s.perms) {
			ps = append(ps, renderPermission(p))
		}
		row["permissions"] = ps
	}
	return row
}

// callerPermission is the caller's highest permission row (direct or
// through a group). The caller holds s.mu.
func (s *Server) callerPermission(resourceID string, u *user) map[string]any {
	var best *permission
	for _, p := range s.permissionsOf(resourceID, s.perms) {
		mine := p.aro == "User" && p.aroID == u.id
		if g := s.groups[p.aroID]; p.aro == "Group" && g != nil {
			for _, m := range g.members {
				mine = mine || m.userID == u.id
			}
		}
		if mine && (best == nil || p.typ > best.typ) {
			best = p
		}
	}
	if best == nil {
		return nil
	}
	return renderPermission(best)
}

// lookup reads the {id} path value and finds the resource with the
// caller's permission, answering 400 or 404 itself when it cannot. The
// caller holds s.mu.
func (s *Server) lookup(c *call) (*resource, int, bool) {
	id := c.r.PathValue("id")
	if !isUUID(id) {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The resource identifier should be a valid UUID.", nil)
		return nil, 0, false
	}
	r, perm := s.resourceFor(strings.ToLower(id), c.caller)
	if r == nil || perm == 0 {
		s.reply(c.w, c.r, c.action, http.StatusNotFound, "The resource does not exist.", nil)
		return nil, 0, false
	}
	return r, perm, true
}

// resourcesView serves GET /resources/{id}.json.
func (s *Server) resourcesView(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, _, ok := s.lookup(c)
	if !ok {
		return
	}
	s.ok(c.w, c.r, c.action, msgOK, s.renderWithContains(r, c.caller, c.r.URL.Query()))
}

// resourcesAdd serves POST /resources.json: one secret, for the caller,
// and an OWNER permission for the caller; permissions sent are ignored.
func (s *Server) resourcesAdd(c *call) {
	body, _ := io.ReadAll(c.r.Body)
	errs := fieldErrors{}
	in, ok := decodeResource(body, errs)
	if !ok {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The resource data should be a JSON object.", nil)
		return
	}
	if name, ok := in.str("name"); !ok || name == "" {
		if !ok {
			errs.add("name", "_required", "A name is required.")
		} else {
			errs.add("name", "_empty", "The name should not be empty.")
		}
	}
	typeID, hasType := in.str("resource_type_id")
	if !hasType || typeID == "" {
		typeID = ResourceTypeID(TypePasswordString)
	} else if !knownType(typeID) {
		errs.add("resource_type_id", "resource_type_exists", "The resource type does not exist.")
	}
	switch {
	case !in.hasSecr || len(in.secrets) == 0:
		errs.add("secrets", "_required", "A secret is required.")
	case len(in.secrets) > 1:
		errs.add("secrets", "hasAtMost", "Only one secret is allowed.")
	}
	if len(errs) > 0 {
		s.invalid(c.w, c.r, c.action, "Could not validate resource data.", errs)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	r := &resource{
		id: newUUID(), typeID: strings.ToLower(typeID), created: now, modified: now,
		createdBy: c.caller.id, modifiedBy: c.caller.id,
	}
	r.name, _ = in.str("name")
	r.username, _ = in.str("username")
	r.uri, _ = in.str("uri")
	r.description, r.hasDescription = in.str("description")
	if r.typeID != ResourceTypeID(TypePasswordString) {
		r.description, r.hasDescription = "", false // the description is in the secret
	}
	s.resources[r.id] = r
	p := &permission{id: newUUID(), acoID: r.id, aro: "User", aroID: c.caller.id, typ: PermissionOwner, created: now, modified: now}
	s.perms[p.id] = p
	s.secrets[r.id] = map[string]*secret{c.caller.id: {
		id: newUUID(), userID: c.caller.id, resourceID: r.id, data: in.secrets[0].Data, created: now, modified: now,
	}}
	row := s.renderWithContains(r, c.caller, map[string][]string{"contain[secret]": {"1"}, "contain[permission]": {"1"}})
	s.ok(c.w, c.r, c.action, "The resource has been added successfully.", row)
}

// resourcesUpdate serves PUT /resources/{id}.json: UPDATE or more; a
// missing resource_type_id resets the type to password-string; secrets,
// when sent, must be one per user with access.
func (s *Server) resourcesUpdate(c *call) {
	body, _ := io.ReadAll(c.r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	r, perm, ok := s.lookup(c)
	if !ok {
		return
	}
	if perm < PermissionUpdate {
		s.reply(c.w, c.r, c.action, http.StatusForbidden, "You are not allowed to update this resource.", nil)
		return
	}
	errs := fieldErrors{}
	in, ok := decodeResource(body, errs)
	if !ok {
		s.reply(c.w, c.r, c.action, http.StatusBadRequest, "The resource data should be a JSON object.", nil)
		return
	}
	if name, present := in.str("name"); present && name == "" {
		errs.add("name", "_empty", "The name should not be empty.")
	}
	typeID, hasType := in.str("resource_type_id")
	if !hasType || typeID == "" {
		typeID = ResourceTypeID(TypePasswordString)
	} else if !knownType(typeID) {
		errs.add("resource_type_id", "resource_type_exists", "The resource type does not exist.")
	}
	access := s.access(r.id, s.perms)
	if in.hasSecr && len(errs) == 0 && !secretsMatch(in.secrets, access) {
		errs.add("secrets", "secrets_provided", "The secrets should be provided for all the users having access to the resource.")
	}
	if len(errs) > 0 {
		s.invalid(c.w, c.r, c.action, "Could not validate resource data.", errs)
		return
	}
	now := s.now()
	if v, ok := in.str("name"); ok {
		r.name = v
	}
	if v, ok := in.str("username"); ok {
		r.username = v
	}
	if v, ok := in.str("uri"); ok {
		r.uri = v
	}
	if v, ok := in.str("description"); ok {
		r.description, r.hasDescription = v, in.strs["description"] != nil
	}
	r.typeID = strings.ToLower(typeID)
	if r.typeID != ResourceTypeID(TypePasswordString) {
		r.description, r.hasDescription = "", false
	}
	r.modified, r.modifiedBy = now, c.caller.id
	if in.hasSecr {
		s.storeSecrets(r.id, in.secrets, now)
	}
	s.ok(c.w, c.r, c.action, "The resource has been updated successfully.", s.renderWithContains(r, c.caller, map[string][]string{"contain[secret]": {"1"}}))
}

// secretsMatch: exactly one secret per user with access, and none for
// anyone else.
func secretsMatch(in []secretInput, access map[string]int) bool {
	seen := map[string]bool{}
	for _, x := range in {
		uid := strings.ToLower(x.UserID)
		if access[uid] == 0 || seen[uid] {
			return false
		}
		seen[uid] = true
	}
	return len(seen) == len(access)
}

// storeSecrets updates or creates each user's secret. The caller holds s.mu.
func (s *Server) storeSecrets(resourceID string, in []secretInput, now time.Time) {
	m := s.secrets[resourceID]
	if m == nil {
		m = map[string]*secret{}
		s.secrets[resourceID] = m
	}
	for _, x := range in {
		uid := strings.ToLower(x.UserID)
		if old := m[uid]; old != nil {
			old.data, old.modified = x.Data, now
			continue
		}
		m[uid] = &secret{id: newUUID(), userID: uid, resourceID: resourceID, data: x.Data, created: now, modified: now}
	}
}

// resourcesDelete serves DELETE /resources/{id}.json: UPDATE or more; a
// soft delete that drops the resource's permissions and secrets.
func (s *Server) resourcesDelete(c *call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, perm, ok := s.lookup(c)
	if !ok {
		return
	}
	if perm < PermissionUpdate {
		s.reply(c.w, c.r, c.action, http.StatusForbidden, "You do not have the permission to delete this resource.", nil)
		return
	}
	r.deleted, r.modified, r.modifiedBy = true, s.now(), c.caller.id
	for id, p := range s.perms {
		if p.acoID == r.id {
			delete(s.perms, id)
		}
	}
	delete(s.secrets, r.id)
	s.ok(c.w, c.r, c.action, "The resource has been deleted successfully.", nil)
}
