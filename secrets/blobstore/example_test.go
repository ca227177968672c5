package blobstore_test

import (
	"context"
	"fmt"
	"os"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/blobstore"
	"github.com/opskit-dev/opskit/secrets/envelope"
)

func ExampleNewStore() {
	dir, _ := os.MkdirTemp("", "sealed")
	defer os.RemoveAll(dir)
	blobs, _ := blobstore.OpenDir(dir)
	defer blobs.Close()
	// In production: envelope.NewKMS(kms.NewFromConfig(cfg)) and a KMS key ID.
	keys, _ := envelope.NewLocalKeys(map[string][]byte{"k": make([]byte, 32)})
	s := blobstore.NewStore(blobs, keys, blobstore.Options{KeyID: "k"})

	ctx := context.Background()
	_, _ = s.Put(ctx, "app/token", secrets.NewValue([]byte("t0ken")), secrets.PutOptions{})
	sec, err := s.Get(ctx, "app/token")
	fmt.Println(sec.Value, sec.Value.Reveal(), err)
	// Output: [REDACTED] t0ken <nil>
}
