package envelope

import (
	"bytes"
	"context"
	"io"
)

// Seal encrypts plaintext into one message.
func Seal(ctx context.Context, keys KeyService, keyID string, encCtx map[string]string, plaintext []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := NewWriter(ctx, &buf, keys, keyID, encCtx, Options{})
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Open decrypts a message made by Seal or a Writer under encCtx. Nothing
// is returned unless the whole message authenticates.
func Open(ctx context.Context, keys KeyService, encCtx map[string]string, message []byte) ([]byte, error) {
	r, err := NewReader(ctx, bytes.NewReader(message), keys, encCtx)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(r)
	if err != nil {
		clear(out)
		return nil, err
	}
	return out, nil
}
