package envelope

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Options configures encryption. The zero value is ready to use.
type Options struct {
	// FrameSize is the plaintext bytes per frame; zero is DefaultFrameSize.
	FrameSize int
}

// Writer encrypts a stream into one message. Close writes the final frame
// and must be called; it does not close the underlying writer.
type Writer struct {
	w      io.Writer
	aead   cipher.AEAD
	sum    [32]byte
	buf    []byte // plaintext of the current frame
	out    []byte
	aad    []byte
	nonce  []byte
	seq    uint64
	err    error
	closed bool
	// For CachingKeys' byte count.
	cache   *CachingKeys
	wrapped []byte
	total   int64
}

// NewWriter asks keys for a data key under keyID bound to encCtx, writes
// the message header to w and returns a Writer for the plaintext.
func NewWriter(ctx context.Context, w io.Writer, keys KeyService, keyID string, encCtx map[string]string, opts Options) (*Writer, error) {
	if keyID == "" || len(keyID) > maxField {
		return nil, &InvalidError{Input: "key ID", Reason: "must be 1-65535 bytes"}
	}
	if err := checkContext(encCtx); err != nil {
		return nil, err
	}
	fs := opts.FrameSize
	if fs == 0 {
		fs = DefaultFrameSize
	}
	if fs < 0 || fs > MaxFrameSize {
		return nil, &InvalidError{Input: "options", Field: "FrameSize", Reason: fmt.Sprintf("%d outside 1-%d", fs, MaxFrameSize)}
	}
	key, wrapped, err := keys.GenerateDataKey(ctx, keyID, encCtx)
	if err != nil {
		return nil, err
	}
	if len(wrapped) > maxField {
		clear(key)
		return nil, fmt.Errorf("envelope: key service returned a %d-byte wrapped key", len(wrapped))
	}
	h := &header{keyID: keyID, encCtx: encCtx, wrapped: wrapped, frameSize: uint32(fs)}
	_, _ = rand.Read(h.id[:])
	a, commit, err := frameKeys(key, h.id[:])
	if err != nil {
		return nil, err
	}
	h.commit = commit
	raw := h.marshal()
	if _, err := w.Write(raw); err != nil {
		return nil, fmt.Errorf("envelope: write header: %w", err)
	}
	cache, _ := keys.(*CachingKeys)
	return &Writer{
		w: w, aead: a, sum: sha256.Sum256(raw), cache: cache, wrapped: wrapped,
		buf: make([]byte, 0, fs), out: make([]byte, 0, 5+fs+tagSize),
		nonce: make([]byte, a.NonceSize()),
	}, nil
}

// Write implements io.Writer, encrypting whole frames as they fill.
func (e *Writer) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if e.closed {
		return 0, errors.New("envelope: write after Close")
	}
	n := 0
	for len(p) > 0 {
		k := min(len(p), cap(e.buf)-len(e.buf))
		e.buf = append(e.buf, p[:k]...)
		p, n = p[k:], n+k
		if len(e.buf) == cap(e.buf) {
			// A full frame goes out at once; if nothing follows, Close
			// writes an empty final frame.
			if err := e.flush(false); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

func (e *Writer) flush(final bool) error {
	n := uint32(len(e.buf))
	e.total += int64(n)
	e.out = append(e.out[:0], 0)
	if final {
		e.out[0] = 1
	}
	e.out = binary.BigEndian.AppendUint32(e.out, n)
	e.aad = frameAAD(e.aad, e.sum, e.seq, final, n)
	e.out = e.aead.Seal(e.out, frameNonce(e.nonce, e.seq), e.buf, e.aad)
	clear(e.buf)
	e.buf = e.buf[:0]
	e.seq++
	if _, err := e.w.Write(e.out); err != nil {
		e.err = fmt.Errorf("envelope: write frame %d: %w", e.seq-1, err)
		return e.err
	}
	return nil
}

// Close writes the final frame (possibly empty).
func (e *Writer) Close() error {
	if e.closed {
		return e.err
	}
	e.closed = true
	if e.err != nil {
		return e.err
	}
	if e.cache != nil {
		e.cache.encrypted(e.wrapped, e.total+int64(len(e.buf)))
	}
	return e.flush(true)
}
