package envelope_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets/envelope"
)

// TestKeyServices checks the KeyService rules on the local service and on
// KMS (moto), then a whole message through each.
func TestKeyServices(t *testing.T) {
	t.Run("local", func(t *testing.T) { checkKeyService(t, localKeys(t), "k1") })
	t.Run("kms", func(t *testing.T) {
		c := kms.NewFromConfig(testenv.AWS(t))
		ctx := context.Background()
		out, err := c.CreateKey(ctx, &kms.CreateKeyInput{})
		if err != nil {
			t.Fatalf("CreateKey = %v", err)
		}
		id := *out.KeyMetadata.KeyId
		t.Cleanup(func() {
			days := int32(7)
			_, _ = c.ScheduleKeyDeletion(context.Background(), &kms.ScheduleKeyDeletionInput{KeyId: &id, PendingWindowInDays: &days})
		})
		checkKeyService(t, envelope.NewKMS(c), id)
	})
}

func checkKeyService(t *testing.T, keys envelope.KeyService, keyID string) {
	ctx := context.Background()
	plain, wrapped, err := keys.GenerateDataKey(ctx, keyID, encCtx)
	if err != nil || len(plain) != 32 || len(wrapped) == 0 {
		t.Fatalf("GenerateDataKey = %d-byte key, %d-byte wrapped, %v", len(plain), len(wrapped), err)
	}
	p2, _, err := keys.GenerateDataKey(ctx, keyID, encCtx)
	if err != nil || bytes.Equal(plain, p2) {
		t.Fatalf("second GenerateDataKey: same key or %v", err)
	}
	got, err := keys.Decrypt(ctx, keyID, wrapped, encCtx)
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Decrypt = %v; want the data key", err)
	}
	if _, err := keys.Decrypt(ctx, keyID, wrapped, map[string]string{"purpose": "backup"}); err == nil {
		t.Fatal("Decrypt with another context: no error")
	}
	bad := bytes.Clone(wrapped)
	bad[len(bad)-1] ^= 1
	if _, err := keys.Decrypt(ctx, keyID, bad, encCtx); err == nil {
		t.Fatal("Decrypt of a changed wrapped key: no error")
	}
	msg, err := envelope.Seal(ctx, keys, keyID, encCtx, []byte("payload"))
	if err != nil {
		t.Fatalf("Seal = %v", err)
	}
	if out, err := envelope.Open(ctx, keys, encCtx, msg); err != nil || string(out) != "payload" {
		t.Fatalf("Open = %q, %v", out, err)
	}
	if _, err := envelope.Open(ctx, keys, map[string]string{"purpose": "other", "db": "orders"}, msg); !errors.Is(err, envelope.ErrAuth) {
		t.Fatalf("Open with another context = %v; want ErrAuth", err)
	}
}
