package blobstore_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/blobstore"
	"github.com/opskit-dev/opskit/secrets/envelope"
)

// TestBoundToNameAndVersion copies one version's blob over another's and
// over another secret's: neither decrypts, and no plaintext is on disk.
func TestBoundToNameAndVersion(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := blobstore.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	keys, _ := envelope.NewLocalKeys(map[string][]byte{"k": make([]byte, 32)})
	s := blobstore.NewStore(d, keys, blobstore.Options{KeyID: "k"})
	for _, put := range []struct{ name, value string }{{"a", "alpha-1"}, {"a", "alpha-2"}, {"b", "beta-1"}} {
		if _, err := s.Put(ctx, put.name, secrets.NewValue([]byte(put.value)), secrets.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"a/v1.env", "a/v2.env", "b/v1.env", "a/index.json"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if len(b) == 0 || bytes.Contains(b, []byte("alpha")) || bytes.Contains(b, []byte("beta")) {
			t.Fatalf("%s: empty or holds plaintext", f)
		}
	}
	v1, _ := os.ReadFile(filepath.Join(dir, "a/v1.env"))
	_ = os.WriteFile(filepath.Join(dir, "a/v2.env"), v1, 0o600)
	if _, err := s.Get(ctx, "a"); !errors.Is(err, envelope.ErrAuth) {
		t.Fatalf("version 1's blob as version 2: Get = %v; want ErrAuth", err)
	}
	_ = os.WriteFile(filepath.Join(dir, "b/v1.env"), v1, 0o600)
	if _, err := s.Get(ctx, "b"); !errors.Is(err, envelope.ErrAuth) {
		t.Fatalf("a's blob as b's: Get = %v; want ErrAuth", err)
	}
}
