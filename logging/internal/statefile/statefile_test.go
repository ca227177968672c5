package statefile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type doc struct {
	Version int    `json:"version"`
	Cursor  string `json:"cursor"`
}

func TestLoadAndWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cp.json")
	var d doc
	if found, err := Load("x", path, 1, &d); found || err != nil {
		t.Fatalf("missing file: found %v, err %v", found, err)
	}
	if err := WriteAtomic(path, []byte(`{"version":1,"cursor":"s=1"}`)); err != nil {
		t.Fatal(err)
	}
	if found, err := Load("x", path, 1, &d); !found || err != nil || d.Cursor != "s=1" {
		t.Fatalf("found %v, err %v, doc %+v", found, err, d)
	}
	if _, err := Load("x", path, 2, &d); err == nil || !strings.Contains(err.Error(), "x: checkpoint "+path+" has version 1, want 2") {
		t.Fatalf("version mismatch: %v", err)
	}
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load("x", path, 1, &d); err == nil || !strings.Contains(err.Error(), "is corrupt") {
		t.Fatalf("corrupt: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
}
