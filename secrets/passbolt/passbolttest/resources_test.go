package passbolttest

import (
	"encoding/json"
	"testing"
)

// TestSecretsRequiredForExactlyTheUsersWithAccess: update and share are
// refused (400, secrets.secrets_provided) when a user with access lacks a
// secret or a user without access is given one; nothing changes then.
func TestSecretsRequiredForExactlyTheUsersWithAccess(t *testing.T) {
	r := newRaw(t, "alice", "bob", "carol")
	tok, _ := r.login("alice")
	id := r.create("alice", tok)
	bob, carol := r.users["bob"].ID, r.users["carol"].ID
	grantBob := []map[string]any{{"aro": "User", "aro_foreign_key": bob, "type": 1}}

	// Share with bob without bob's secret.
	rep := r.do("PUT", "/share/resource/"+id+".json", tok, map[string]any{"permissions": grantBob})
	if rep.Code != 400 || !hasRule(t, rep, "secrets", "secrets_provided") {
		t.Fatalf("share without the added user's secret: %d %s", rep.Code, rep.Body)
	}
	// Share with bob, adding a secret for carol who gets no access.
	rep = r.do("PUT", "/share/resource/"+id+".json", tok, map[string]any{"permissions": grantBob, "secrets": []map[string]string{
		{"user_id": bob, "data": r.encrypt("bob", "pw")}, {"user_id": carol, "data": r.encrypt("carol", "pw")},
	}})
	if rep.Code != 400 || !hasRule(t, rep, "secrets", "secrets_provided") {
		t.Fatalf("share with a secret for a user without access: %d %s", rep.Code, rep.Body)
	}
	if got := r.s.SecretUsers(id); len(got) != 1 {
		t.Fatalf("refused shares changed the secrets: %v", got)
	}
	if rep := r.do("GET", "/permissions/resource/"+id+".json", tok, nil); countRows(rep.Body) != 1 {
		t.Fatalf("refused shares changed the permissions: %s", rep.Body)
	}
	// A secret that is not armored with a checksum.
	rep = r.do("PUT", "/share/resource/"+id+".json", tok, map[string]any{"permissions": grantBob, "secrets": []map[string]string{
		{"user_id": bob, "data": dropCRC(r.encrypt("bob", "pw"))},
	}})
	if rep.Code != 400 || !hasRule(t, rep, "secrets.0.data", "isValidOpenPGPMessage") {
		t.Fatalf("secret without checksum: %d %s", rep.Code, rep.Body)
	}
	// The right share.
	rep = r.do("PUT", "/share/resource/"+id+".json", tok, map[string]any{"permissions": grantBob, "secrets": []map[string]string{
		{"user_id": bob, "data": r.encrypt("bob", "pw")},
	}})
	if rep.Code != 200 || string(rep.Body) != "null" {
		t.Fatalf("share: %d %s", rep.Code, rep.Body)
	}

	// Update: a secret for alice only, though bob has access.
	upd := map[string]any{"name": "db", "resource_type_id": ResourceTypeID(TypePasswordString), "secrets": []map[string]string{
		{"user_id": r.users["alice"].ID, "data": r.encrypt("alice", "new")},
	}}
	if rep := r.do("PUT", "/resources/"+id+".json", tok, upd); rep.Code != 400 || !hasRule(t, rep, "secrets", "secrets_provided") {
		t.Fatalf("update missing bob's secret: %d %s", rep.Code, rep.Body)
	}
	// Update: alice, bob and carol (no access).
	upd["secrets"] = []map[string]string{
		{"user_id": r.users["alice"].ID, "data": r.encrypt("alice", "new")},
		{"user_id": bob, "data": r.encrypt("bob", "new")}, {"user_id": carol, "data": r.encrypt("carol", "new")},
	}
	if rep := r.do("PUT", "/resources/"+id+".json", tok, upd); rep.Code != 400 || !hasRule(t, rep, "secrets", "secrets_provided") {
		t.Fatalf("update with a secret for carol: %d %s", rep.Code, rep.Body)
	}
	// Bob has read only: 403. Carol has nothing: 404.
	bobTok, _ := r.login("bob")
	if rep := r.do("PUT", "/resources/"+id+".json", bobTok, map[string]any{"name": "x"}); rep.Code != 403 {
		t.Fatalf("read-only update: %d; want 403", rep.Code)
	}
	if rep := r.do("DELETE", "/resources/"+id+".json", bobTok, nil); rep.Code != 403 {
		t.Fatalf("read-only delete: %d; want 403", rep.Code)
	}
	if rep := r.do("PUT", "/share/resource/"+id+".json", bobTok, map[string]any{"permissions": grantBob}); rep.Code != 403 || rep.Header.Message != "You are not authorized to share this resource." {
		t.Fatalf("read-only share: %d %q; want 403", rep.Code, rep.Header.Message)
	}
	carolTok, _ := r.login("carol")
	if rep := r.do("GET", "/resources/"+id+".json", carolTok, nil); rep.Code != 404 || rep.Header.Message != "The resource does not exist." {
		t.Fatalf("no access: %d %q; want 404", rep.Code, rep.Header.Message)
	}
	if rep := r.do("GET", "/users.json?filter[has-access]="+id, carolTok, nil); rep.Code != 403 {
		t.Fatalf("has-access filter without access: %d; want 403", rep.Code)
	}
}

func countRows(b json.RawMessage) int {
	var rows []any
	_ = json.Unmarshal(b, &rows)
	return len(rows)
}

// TestResourceRules: the add and update rules of ResourcesTable and
// ResourcesUpdateService.
func TestResourceRules(t *testing.T) {
	r := newRaw(t, "alice")
	tok, _ := r.login("alice")
	sec := []map[string]string{{"data": r.encrypt("alice", "pw")}}

	rep := r.do("POST", "/resources.json", tok, map[string]any{"secrets": sec})
	if rep.Code != 400 || !hasRule(t, rep, "name", "_required") {
		t.Fatalf("no name: %d %s", rep.Code, rep.Body)
	}
	long := make([]byte, 256)
	for i := range long {
		long[i] = 'n'
	}
	rep = r.do("POST", "/resources.json", tok, map[string]any{"name": string(long), "secrets": sec})
	if rep.Code != 400 || !hasRule(t, rep, "name", "maxLength") {
		t.Fatalf("long name: %d %s", rep.Code, rep.Body)
	}
	two := append(sec, sec[0])
	if rep := r.do("POST", "/resources.json", tok, map[string]any{"name": "x", "secrets": two}); rep.Code != 400 || !hasRule(t, rep, "secrets", "hasAtMost") {
		t.Fatalf("two secrets: %d %s", rep.Code, rep.Body)
	}
	// No type: password-string; the description of an encrypting type is
	// dropped; permissions sent are ignored (one owner: the caller).
	rep = r.do("POST", "/resources.json", tok, map[string]any{"name": "x", "description": "d", "secrets": sec,
		"permissions": []map[string]any{{"aro": "User", "aro_foreign_key": newUUID(), "type": 15}}})
	var res map[string]any
	_ = json.Unmarshal(rep.Body, &res)
	if rep.Code != 200 || res["resource_type_id"] != ResourceTypeID(TypePasswordString) || res["description"] != "d" {
		t.Fatalf("add without type: %d %s", rep.Code, rep.Body)
	}
	id := res["id"].(string)
	if perm := res["permission"].(map[string]any); perm["type"] != float64(PermissionOwner) || perm["aro_foreign_key"] != r.users["alice"].ID {
		t.Fatalf("creator permission %v", perm)
	}
	rep = r.do("POST", "/resources.json", tok, map[string]any{"name": "y", "description": "d", "secrets": sec, "resource_type_id": ResourceTypeID(TypePasswordAndDescription)})
	_ = json.Unmarshal(rep.Body, &res)
	if rep.Code != 200 || res["description"] != nil {
		t.Fatalf("password-and-description kept the cleartext description: %s", rep.Body)
	}
	// Update without resource_type_id resets it to password-string.
	other := res["id"].(string)
	if rep := r.do("PUT", "/resources/"+other+".json", tok, map[string]any{"name": "y2"}); rep.Code != 200 {
		t.Fatalf("update: %d %s", rep.Code, rep.Body)
	}
	rep = r.do("GET", "/resources/"+other+".json", tok, nil)
	_ = json.Unmarshal(rep.Body, &res)
	if res["resource_type_id"] != ResourceTypeID(TypePasswordString) || res["name"] != "y2" {
		t.Fatalf("update without type kept %v; the real server resets it to password-string", res["resource_type_id"])
	}
	// Bad ids, unknown type.
	if rep := r.do("GET", "/resources/not-a-uuid.json", tok, nil); rep.Code != 400 {
		t.Fatalf("bad id: %d", rep.Code)
	}
	if rep := r.do("PUT", "/resources/"+id+".json", tok, map[string]any{"name": "z", "resource_type_id": newUUID()}); rep.Code != 400 || !hasRule(t, rep, "resource_type_id", "resource_type_exists") {
		t.Fatalf("unknown type: %d %s", rep.Code, rep.Body)
	}
	// Soft delete: gone from reads, 404 on a second delete.
	if rep := r.do("DELETE", "/resources/"+id+".json", tok, nil); rep.Code != 200 {
		t.Fatalf("delete: %d", rep.Code)
	}
	if rep := r.do("DELETE", "/resources/"+id+".json", tok, nil); rep.Code != 404 {
		t.Fatalf("second delete: %d; want 404", rep.Code)
	}
	if rep := r.do("GET", "/secrets/resource/"+id+".json", tok, nil); rep.Code != 404 || rep.Header.Message != "The secret does not exist." {
		t.Fatalf("secret of a deleted resource: %d %q", rep.Code, rep.Header.Message)
	}
}

// TestEnvelope: the header fields and the fixed ids the real server
// derives.
func TestEnvelope(t *testing.T) {
	r := newRaw(t, "alice")
	tok, _ := r.login("alice")
	rep := r.do("GET", "/resources.json?contain[secret]=1", tok, nil)
	h := rep.Header
	if h.Status != "success" || h.Code != 200 || h.Message != "The operation was successful." || !isUUID(h.ID) ||
		h.URL != "/resources.json?contain[secret]=1" || h.ServerTime != r.now.Unix() {
		t.Fatalf("header %+v", h)
	}
	if h.Action != "c506210f-7866-5691-8fc1-58772e8f49f1" {
		t.Fatalf("action of ResourcesIndex.index = %s; want c506210f-7866-5691-8fc1-58772e8f49f1", h.Action)
	}
	for slug, id := range map[string]string{
		TypePasswordString: "669f8c64-242a-59fb-92fc-81f660975fd3", TypePasswordAndDescription: "a28a04cd-6f53-518a-967c-9963bf9cec51",
		TypeTOTP: "05ba5c75-504d-5ad6-819a-83af68867d86", TypePasswordDescriptionTOTP: "8cca88d9-a3f6-56df-b860-3ef08de5c5c4",
		"v5-default": "dd1f723d-0d1e-513f-8218-4055dc0530d0",
	} {
		if got := ResourceTypeID(slug); got != id {
			t.Errorf("ResourceTypeID(%s) = %s; want %s", slug, got, id)
		}
	}
	if rep := r.do("GET", "/resource-types/"+ResourceTypeID(TypeTOTP)+".json", tok, nil); rep.Code != 200 {
		t.Fatalf("resource type view: %d", rep.Code)
	}
	if rep := r.do("GET", "/resources.json?api-version=v1", tok, nil); rep.Code != 400 {
		t.Fatalf("api-version=v1: %d; want 400", rep.Code)
	}
	if rep := r.do("GET", "/nope.json", tok, nil); rep.Code != 404 || rep.Header.Status != "error" || string(rep.Body) != `""` {
		t.Fatalf("unknown route: %d %s", rep.Code, rep.Body)
	}
	if rep := r.do("GET", "/auth/verify.json", "", nil); rep.Code != 200 {
		t.Fatalf("verify: %d", rep.Code)
	}
	var v struct{ Fingerprint, Keydata string }
	_ = json.Unmarshal(r.do("GET", "/auth/verify.json", "", nil).Body, &v)
	if !fingerprintRe.MatchString(v.Fingerprint) || v.Fingerprint != r.s.Fingerprint() {
		t.Fatalf("verify fingerprint %q", v.Fingerprint)
	}
}
