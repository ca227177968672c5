package envelope

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// LocalKeys is a KeyService that wraps data keys with AES-256-GCM under
// master keys held in memory: for tests and offline use.
type LocalKeys struct{ keys map[string]cipher.AEAD }

var _ KeyService = (*LocalKeys)(nil)

// NewLocalKeys returns a service with one 32-byte master key per key ID.
func NewLocalKeys(keys map[string][]byte) (*LocalKeys, error) {
	l := &LocalKeys{keys: map[string]cipher.AEAD{}}
	for id, k := range keys {
		if len(k) != 32 {
			return nil, &InvalidError{Input: fmt.Sprintf("local key %q", id), Reason: "must be 32 bytes"}
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, fmt.Errorf("envelope: local key %q: %w", id, err)
		}
		l.keys[id], _ = cipher.NewGCM(block)
	}
	return l, nil
}

func (l *LocalKeys) aead(keyID string) (cipher.AEAD, error) {
	a, ok := l.keys[keyID]
	if !ok {
		return nil, fmt.Errorf("envelope: local key %q: not found", keyID)
	}
	return a, nil
}

func localAAD(keyID string, encCtx map[string]string) []byte {
	return append(appendField(nil, []byte(keyID)), encodeContext(encCtx)...)
}

// GenerateDataKey implements KeyService.
func (l *LocalKeys) GenerateDataKey(_ context.Context, keyID string, encCtx map[string]string) ([]byte, []byte, error) {
	a, err := l.aead(keyID)
	if err != nil {
		return nil, nil, err
	}
	key := make([]byte, 32)
	nonce := make([]byte, a.NonceSize())
	_, _ = rand.Read(key)
	_, _ = rand.Read(nonce)
	return key, a.Seal(nonce, nonce, key, localAAD(keyID, encCtx)), nil
}

// Decrypt implements KeyService.
func (l *LocalKeys) Decrypt(_ context.Context, keyID string, wrapped []byte, encCtx map[string]string) ([]byte, error) {
	a, err := l.aead(keyID)
	if err != nil {
		return nil, err
	}
	if len(wrapped) < a.NonceSize() {
		return nil, fmt.Errorf("envelope: local key %q: %w", keyID, ErrAuth)
	}
	key, err := a.Open(nil, wrapped[:a.NonceSize()], wrapped[a.NonceSize():], localAAD(keyID, encCtx))
	if err != nil {
		return nil, fmt.Errorf("envelope: local key %q: %w", keyID, errors.Join(ErrAuth, err))
	}
	return key, nil
}
