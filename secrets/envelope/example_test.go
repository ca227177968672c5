package envelope_test

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/opskit-dev/opskit/secrets/envelope"
)

func Example() {
	ctx := context.Background()
	// In production: keys := envelope.NewKMS(kms.NewFromConfig(cfg)).
	keys, _ := envelope.NewLocalKeys(map[string][]byte{"backup-key": make([]byte, 32)})
	encCtx := map[string]string{"db": "orders", "purpose": "backup"}

	var msg bytes.Buffer
	w, _ := envelope.NewWriter(ctx, &msg, keys, "backup-key", encCtx, envelope.Options{})
	_, _ = io.WriteString(w, "pg_dump output, streamed")
	_ = w.Close()

	sealed := msg.Bytes()
	r, _ := envelope.NewReader(ctx, bytes.NewReader(sealed), keys, encCtx)
	plain, _ := io.ReadAll(r)
	fmt.Println(string(plain))

	_, err := envelope.Open(ctx, keys, map[string]string{"db": "users", "purpose": "backup"}, sealed)
	fmt.Println(err)
	// Output:
	// pg_dump output, streamed
	// envelope: message authentication failed: encryption context differs
}
