package envelope

import "context"

// KeyService makes and unwraps data keys. Rules every implementation
// follows, checked by TestKeyServices in this package for the local and
// KMS services:
//   - GenerateDataKey returns a fresh random 32-byte key and the same key
//     wrapped (encrypted) under keyID with encCtx bound to it.
//   - Decrypt returns the key only when given the same keyID and an
//     identical encCtx; any other context or a changed wrapped key fails.
//   - Errors never carry key material.
type KeyService interface {
	GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) (plaintext, wrapped []byte, err error)
	Decrypt(ctx context.Context, keyID string, wrapped []byte, encCtx map[string]string) ([]byte, error)
}
