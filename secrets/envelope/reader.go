package envelope

import (
	"bufio"
	"context"
	"crypto/cipher"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Reader decrypts one message, releasing each frame's plaintext once the
// frame is authenticated.
type Reader struct {
	r     *bufio.Reader
	aead  cipher.AEAD
	sum   [32]byte
	fs    uint32
	in    []byte
	plain []byte // decrypted, not yet read
	aad   []byte
	nonce []byte
	pre   [5]byte
	seq   uint64
	done  bool
	err   error
}

// NewReader reads the message header from r, checks that the message was
// made under encCtx, unwraps the data key with keys and returns a Reader
// for the plaintext.
func NewReader(ctx context.Context, r io.Reader, keys KeyService, encCtx map[string]string) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	h, raw, err := readHeader(br)
	if err != nil {
		return nil, err
	}
	if !sameContext(h.encCtx, encCtx) {
		return nil, fmt.Errorf("%w: encryption context differs", ErrAuth)
	}
	key, err := keys.Decrypt(ctx, h.keyID, h.wrapped, encCtx)
	if err != nil {
		return nil, err
	}
	a, commit, err := frameKeys(key, h.id[:])
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(commit[:], h.commit[:]) != 1 {
		return nil, fmt.Errorf("%w: key commitment", ErrAuth)
	}
	return &Reader{
		r: br, aead: a, sum: sha256.Sum256(raw), fs: h.frameSize,
		in: make([]byte, 0, int(h.frameSize)+tagSize), nonce: make([]byte, a.NonceSize()),
	}, nil
}

// Read implements io.Reader. It returns io.EOF only after the final frame
// and when nothing follows it.
func (d *Reader) Read(p []byte) (int, error) {
	for len(d.plain) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		if d.done {
			return 0, io.EOF
		}
		d.err = d.next()
	}
	n := copy(p, d.plain)
	clear(d.plain[:n])
	d.plain = d.plain[n:]
	return n, nil
}

func (d *Reader) next() error {
	pre := d.pre[:]
	if _, err := io.ReadFull(d.r, pre); err != nil {
		return fmt.Errorf("%w: truncated before frame %d", ErrAuth, d.seq)
	}
	final := pre[0] == 1
	n := binary.BigEndian.Uint32(pre[1:])
	if pre[0] > 1 || n > d.fs || (!final && n != d.fs) {
		return fmt.Errorf("%w: frame %d header", ErrAuth, d.seq)
	}
	d.in = d.in[:int(n)+tagSize]
	if _, err := io.ReadFull(d.r, d.in); err != nil {
		return fmt.Errorf("%w: truncated in frame %d", ErrAuth, d.seq)
	}
	d.aad = frameAAD(d.aad, d.sum, d.seq, final, n)
	plain, err := d.aead.Open(d.in[:0], frameNonce(d.nonce, d.seq), d.in, d.aad)
	if err != nil {
		return fmt.Errorf("%w: frame %d", ErrAuth, d.seq)
	}
	d.seq++
	if final {
		if _, err := d.r.ReadByte(); !errors.Is(err, io.EOF) {
			clear(plain)
			return fmt.Errorf("%w: data after the final frame", ErrAuth)
		}
		d.done = true
	}
	d.plain = plain
	return nil
}
