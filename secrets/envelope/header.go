package envelope

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
)

const (
	magic = "OPSKENV1"
	// DefaultFrameSize is the plaintext size of a frame when Options
	// leaves it zero.
	DefaultFrameSize = 64 << 10
	// MaxFrameSize bounds a frame, and so a reader's memory.
	MaxFrameSize = 16 << 20
	idSize       = 32
	tagSize      = 16
)

// header is a message's clear-text preamble.
type header struct {
	keyID     string
	encCtx    map[string]string
	wrapped   []byte
	frameSize uint32
	id        [idSize]byte
	commit    [32]byte
}

func (h *header) marshal() []byte {
	b := []byte(magic)
	b = appendField(b, []byte(h.keyID))
	b = append(b, encodeContext(h.encCtx)...)
	b = appendField(b, h.wrapped)
	b = binary.BigEndian.AppendUint32(b, h.frameSize)
	b = append(b, h.id[:]...)
	return append(b, h.commit[:]...)
}

// readHeader parses a header, returning it and its raw bytes.
func readHeader(r *bufio.Reader) (*header, []byte, error) {
	var raw []byte
	read := func(n int) ([]byte, error) {
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("%w: header truncated", ErrFormat)
		}
		raw = append(raw, b...)
		return b, nil
	}
	field := func() ([]byte, error) {
		l, err := read(2)
		if err != nil {
			return nil, err
		}
		return read(int(binary.BigEndian.Uint16(l)))
	}
	m, err := read(len(magic))
	if err != nil || string(m) != magic {
		return nil, nil, fmt.Errorf("%w: bad magic", ErrFormat)
	}
	h := &header{encCtx: map[string]string{}}
	id, err := field()
	if err != nil {
		return nil, nil, err
	}
	h.keyID = string(id)
	n, err := read(2)
	if err != nil {
		return nil, nil, err
	}
	for range binary.BigEndian.Uint16(n) {
		k, err := field()
		if err != nil {
			return nil, nil, err
		}
		v, err := field()
		if err != nil {
			return nil, nil, err
		}
		h.encCtx[string(k)] = string(v)
	}
	if h.wrapped, err = field(); err != nil {
		return nil, nil, err
	}
	fs, err := read(4)
	if err != nil {
		return nil, nil, err
	}
	h.frameSize = binary.BigEndian.Uint32(fs)
	if h.frameSize == 0 || h.frameSize > MaxFrameSize {
		return nil, nil, fmt.Errorf("%w: frame size %d", ErrFormat, h.frameSize)
	}
	b, err := read(idSize + 32)
	if err != nil {
		return nil, nil, err
	}
	copy(h.id[:], b)
	copy(h.commit[:], b[idSize:])
	return h, raw, nil
}

// sameContext compares contexts in constant time per value.
func sameContext(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	return maps.EqualFunc(a, b, func(x, y string) bool { return subtle.ConstantTimeCompare([]byte(x), []byte(y)) == 1 })
}

// frameKeys derives the frame cipher and key commitment from the data key
// and message ID, then clears the data key.
func frameKeys(dataKey []byte, id []byte) (cipher.AEAD, [32]byte, error) {
	defer clear(dataKey)
	var commit [32]byte
	k, err := hkdf.Key(sha256.New, dataKey, id, "opskit envelope v1", 64)
	if err != nil {
		return nil, commit, fmt.Errorf("envelope: derive key: %w", err)
	}
	defer clear(k)
	copy(commit[:], k[32:])
	block, err := aes.NewCipher(k[:32])
	if err != nil {
		return nil, commit, fmt.Errorf("envelope: %w", err)
	}
	a, err := cipher.NewGCM(block)
	return a, commit, err
}

// frameAAD is the additional data of frame seq.
func frameAAD(dst []byte, headerSum [32]byte, seq uint64, final bool, n uint32) []byte {
	dst = append(dst[:0], headerSum[:]...)
	dst = binary.BigEndian.AppendUint64(dst, seq)
	f := byte(0)
	if final {
		f = 1
	}
	dst = append(dst, f)
	return binary.BigEndian.AppendUint32(dst, n)
}

func frameNonce(dst []byte, seq uint64) []byte {
	clear(dst)
	binary.BigEndian.PutUint64(dst[4:], seq)
	return dst
}
