package filestore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/opskit-dev/opskit/secrets/filestore"
)

func ExampleOpenStore() {
	// In a swarm service: filestore.OpenStore("") reads /run/secrets.
	dir, _ := os.MkdirTemp("", "secrets")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "db_password"), []byte("s3cret"), 0o400)

	s, err := filestore.OpenStore(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	sec, err := s.Get(context.Background(), "db_password")
	fmt.Println(sec.Value, sec.Value.Len(), err)
	// Output: [REDACTED] 6 <nil>
}
