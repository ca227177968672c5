package filestore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/filestore"
)

func TestFileStore(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "db_password"), []byte("pw"), 0o400); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(filepath.Dir(dir), "outside-"+filepath.Base(dir))
	_ = os.WriteFile(outside, []byte("x"), 0o600)
	t.Cleanup(func() { _ = os.Remove(outside) })
	_ = os.Symlink(outside, filepath.Join(dir, "link"))
	s, err := filestore.OpenStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	got, err := s.Get(ctx, "db_password")
	if err != nil || got.Value.Reveal() != "pw" || !got.Version.Has(secrets.StageCurrent) {
		t.Fatalf("Get = %v, %v", got.Version, err)
	}
	for _, name := range []string{"missing", "../" + filepath.Base(outside), "link"} {
		if _, err := s.Get(ctx, name); err == nil {
			t.Errorf("Get(%q): no error", name)
		}
	}
	if _, err := s.Get(ctx, "missing"); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("Get(missing) = %v; want ErrNotFound", err)
	}
	if _, err := s.GetStage(ctx, "db_password", secrets.StagePrevious); !errors.Is(err, secrets.ErrNotFound) {
		t.Errorf("GetStage(previous) = %v; want ErrNotFound", err)
	}
	if _, err := s.Put(ctx, "db_password", secrets.NewValue([]byte("x")), secrets.PutOptions{}); !errors.Is(err, secrets.ErrUnsupported) {
		t.Errorf("Put = %v; want ErrUnsupported", err)
	}
}
