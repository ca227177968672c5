package envelope

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// The KMS operations used, one interface each, as aws-sdk-go-v2 names them.
type (
	// GenerateDataKeyAPI makes data keys.
	GenerateDataKeyAPI interface {
		GenerateDataKey(context.Context, *kms.GenerateDataKeyInput, ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	}
	// DecryptAPI unwraps data keys.
	DecryptAPI interface {
		Decrypt(context.Context, *kms.DecryptInput, ...func(*kms.Options)) (*kms.DecryptOutput, error)
	}
	// KMSAPI is both; *kms.Client satisfies it.
	KMSAPI interface {
		GenerateDataKeyAPI
		DecryptAPI
	}
)

var _ KMSAPI = (*kms.Client)(nil)

// KMS is the AWS KMS KeyService.
type KMS struct{ api KMSAPI }

var _ KeyService = (*KMS)(nil)

// NewKMS returns a KeyService over api (usually *kms.Client). Key IDs are
// anything KMS accepts: a key ID, ARN or alias.
func NewKMS(api KMSAPI) *KMS { return &KMS{api: api} }

// GenerateDataKey implements KeyService with an AES_256 data key.
func (k *KMS) GenerateDataKey(ctx context.Context, keyID string, encCtx map[string]string) ([]byte, []byte, error) {
	out, err := k.api.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{
		KeyId: aws.String(keyID), KeySpec: types.DataKeySpecAes256, EncryptionContext: encCtx,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("envelope: kms GenerateDataKey %q: %w", keyID, err)
	}
	if len(out.Plaintext) != 32 {
		return nil, nil, fmt.Errorf("envelope: kms GenerateDataKey %q: got a %d-byte key", keyID, len(out.Plaintext))
	}
	return out.Plaintext, out.CiphertextBlob, nil
}

// Decrypt implements KeyService. A wrong context is reported by KMS as
// InvalidCiphertextException, which the error wraps with ErrAuth.
func (k *KMS) Decrypt(ctx context.Context, keyID string, wrapped []byte, encCtx map[string]string) ([]byte, error) {
	out, err := k.api.Decrypt(ctx, &kms.DecryptInput{
		KeyId: aws.String(keyID), CiphertextBlob: wrapped, EncryptionContext: encCtx,
	})
	if err != nil {
		var bad *types.InvalidCiphertextException
		if errors.As(err, &bad) {
			return nil, fmt.Errorf("envelope: kms Decrypt %q: %w: %w", keyID, ErrAuth, err)
		}
		return nil, fmt.Errorf("envelope: kms Decrypt %q: %w", keyID, err)
	}
	return out.Plaintext, nil
}
