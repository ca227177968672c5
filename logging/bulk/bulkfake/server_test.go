package bulkfake_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
)

func post(t *testing.T, url, ct, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url+"/_bulk", ct, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

func TestProtocol(t *testing.T) {
	srv := bulkfake.NewServer(bulkfake.Options{MaxContentLength: 1024})
	defer srv.Close()
	nd := "application/x-ndjson"
	if code, _ := post(t, srv.URL, nd, `{"index":{"_index":"a","_id":"1"}}`+"\n"+`{"m":1}`); code != 400 {
		t.Fatalf("missing final newline: %d; want 400", code)
	}
	if code, _ := post(t, srv.URL, "text/plain", "{}\n"); code != 406 {
		t.Fatalf("wrong content type: %d; want 406", code)
	}
	if code, _ := post(t, srv.URL, nd, strings.Repeat("x", 2000)+"\n"); code != 413 {
		t.Fatalf("oversized: %d; want 413", code)
	}
	if code, _ := post(t, srv.URL, nd, `{"frobnicate":{}}`+"\n"); code != 400 {
		t.Fatalf("unknown action: %d; want 400", code)
	}
	body := `{"create":{"_index":"a","_id":"1"}}` + "\n" + `{"m":1}` + "\n" +
		`{"create":{"_index":"a","_id":"1"}}` + "\n" + `{"m":2}` + "\n" +
		`{"index":{"_index":"a","_id":"2"}}` + "\n" + `not json` + "\n" +
		`{"delete":{"_index":"a","_id":"1"}}` + "\n"
	code, m := post(t, srv.URL, nd, body)
	if code != 200 || m["errors"] != true {
		t.Fatalf("mixed: %d %v", code, m)
	}
	items := m["items"].([]any)
	var statuses []float64
	for _, it := range items {
		for _, v := range it.(map[string]any) {
			statuses = append(statuses, v.(map[string]any)["status"].(float64))
		}
	}
	if len(statuses) != 4 || statuses[0] != 201 || statuses[1] != 409 || statuses[2] != 400 || statuses[3] != 200 {
		t.Fatalf("item statuses %v; want [201 409 400 200]", statuses)
	}
	if n := len(srv.Docs("a")); n != 0 {
		t.Fatalf("%d docs left after delete; want 0", n)
	}
}
