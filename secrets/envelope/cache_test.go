package envelope_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/opskit-dev/opskit/secrets/envelope"
)

type countingKeys struct {
	envelope.KeyService
	gen, dec atomic.Int32
}

func (c *countingKeys) GenerateDataKey(ctx context.Context, id string, ec map[string]string) ([]byte, []byte, error) {
	c.gen.Add(1)
	return c.KeyService.GenerateDataKey(ctx, id, ec)
}

func (c *countingKeys) Decrypt(ctx context.Context, id string, w []byte, ec map[string]string) ([]byte, error) {
	c.dec.Add(1)
	return c.KeyService.Decrypt(ctx, id, w, ec)
}

func TestCachingKeys(t *testing.T) {
	ctx := context.Background()
	inner := &countingKeys{KeyService: localKeys(t)}
	keys := envelope.NewCachingKeys(inner, envelope.CacheOptions{MaxMessages: 4, MaxBytes: 1000})
	var msgs [][]byte
	for range 10 {
		msgs = append(msgs, mustSeal(t, keys, []byte("small")))
	}
	if got := inner.gen.Load(); got != 3 {
		t.Fatalf("10 messages, 4 per key: %d GenerateDataKey calls; want 3", got)
	}
	for _, m := range msgs {
		if out, err := envelope.Open(ctx, keys, encCtx, m); err != nil || string(out) != "small" {
			t.Fatalf("Open = %q, %v", out, err)
		}
	}
	if got := inner.dec.Load(); got != 3 {
		t.Fatalf("10 messages under 3 keys: %d Decrypt calls; want 3", got)
	}
	// The byte bound: 600-byte messages, at most 1000 bytes per key, so a
	// key serves two messages (the second crosses the bound).
	inner.gen.Store(0)
	keys.Purge()
	for range 4 {
		mustSeal(t, keys, make([]byte, 600))
	}
	if got := inner.gen.Load(); got != 2 {
		t.Fatalf("4 x 600 bytes, 1000 per key: %d GenerateDataKey calls; want 2", got)
	}
	// Another context never shares a key.
	if _, err := envelope.Seal(ctx, keys, "k1", map[string]string{"other": "1"}, []byte("x")); err != nil || inner.gen.Load() != 3 {
		t.Fatalf("another context: %v, %d calls; want a new key", err, inner.gen.Load())
	}
}
