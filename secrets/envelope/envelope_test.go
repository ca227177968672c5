package envelope_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/opskit-dev/opskit/secrets/envelope"
)

func localKeys(t testing.TB) *envelope.LocalKeys {
	t.Helper()
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	l, err := envelope.NewLocalKeys(map[string][]byte{"k1": k})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var encCtx = map[string]string{"purpose": "backup", "db": "orders"}

func seal(t *testing.T, keys envelope.KeyService, keyID string, plain []byte, frame int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := envelope.NewWriter(context.Background(), &buf, keys, keyID, encCtx, envelope.Options{FrameSize: frame})
	if err != nil {
		t.Fatalf("NewWriter = %v", err)
	}
	// Odd-sized writes cross frame boundaries.
	for p := plain; len(p) > 0; {
		n := min(len(p), 7)
		if _, err := w.Write(p[:n]); err != nil {
			t.Fatal(err)
		}
		p = p[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(keys envelope.KeyService, c map[string]string, msg []byte) ([]byte, error) {
	r, err := envelope.NewReader(context.Background(), bytes.NewReader(msg), keys, c)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func TestEnvelopeRoundTrip(t *testing.T) {
	keys := localKeys(t)
	const frame = 64
	for _, n := range []int{0, 1, frame - 1, frame, frame + 1, 3 * frame, 3*frame + 5} {
		plain := make([]byte, n)
		_, _ = rand.Read(plain)
		msg := seal(t, keys, "k1", plain, frame)
		got, err := open(keys, encCtx, msg)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: round trip = %d bytes, %v", n, len(got), err)
		}
	}
	got, err := envelope.Open(context.Background(), keys, encCtx, mustSeal(t, keys, []byte("hello")))
	if err != nil || string(got) != "hello" {
		t.Fatalf("Open(Seal) = %q, %v", got, err)
	}
}

func mustSeal(t *testing.T, keys envelope.KeyService, plain []byte) []byte {
	t.Helper()
	msg, err := envelope.Seal(context.Background(), keys, "k1", encCtx, plain)
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

// TestEnvelopeTamper changes every byte, truncates at every length and
// appends a byte: each must fail.
func TestEnvelopeTamper(t *testing.T) {
	keys := localKeys(t)
	plain := make([]byte, 200)
	_, _ = rand.Read(plain)
	msg := seal(t, keys, "k1", plain, 64)
	for i := range msg {
		bad := bytes.Clone(msg)
		bad[i] ^= 0x01
		if got, err := open(keys, encCtx, bad); err == nil {
			t.Fatalf("byte %d of %d flipped: opened %d bytes without error", i, len(msg), len(got))
		}
	}
	for n := range len(msg) {
		if _, err := open(keys, encCtx, msg[:n]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(msg))
		}
	}
	if _, err := open(keys, encCtx, append(bytes.Clone(msg), 0)); !errors.Is(err, envelope.ErrAuth) {
		t.Fatalf("one byte appended: err = %v; want ErrAuth", err)
	}
	// Swapping two full frames is detected.
	other := seal(t, keys, "k1", plain, 64)
	if _, err := open(keys, encCtx, append(bytes.Clone(msg[:len(msg)-50]), other[len(other)-50:]...)); err == nil {
		t.Fatal("frame spliced from another message: no error")
	}
}

func TestEnvelopeContext(t *testing.T) {
	keys := localKeys(t)
	msg := mustSeal(t, keys, []byte("x"))
	for _, c := range []map[string]string{
		nil,
		{"purpose": "backup"},
		{"purpose": "backup", "db": "Orders"},
		{"purpose": "backup", "db": "orders", "extra": "1"},
	} {
		if _, err := open(keys, c, msg); !errors.Is(err, envelope.ErrAuth) {
			t.Errorf("context %v: err = %v; want ErrAuth", c, err)
		}
	}
	if _, err := envelope.Seal(context.Background(), keys, "k1", map[string]string{"": "x"}, []byte("x")); !errors.Is(err, envelope.ErrInvalid) {
		t.Errorf("empty context key: err = %v; want ErrInvalid", err)
	}
	if _, err := envelope.Seal(context.Background(), keys, "nope", nil, []byte("x")); err == nil {
		t.Error("unknown key ID: no error")
	}
}

// TestEnvelopeConstantMemory streams 64 MiB and checks the allocations
// stay far below the data size.
func TestEnvelopeConstantMemory(t *testing.T) {
	keys := localKeys(t)
	const size = 64 << 20
	chunk := make([]byte, 1<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	pr, pw := io.Pipe()
	go func() {
		w, err := envelope.NewWriter(context.Background(), pw, keys, "k1", encCtx, envelope.Options{})
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		for range size / len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(w.Close())
	}()
	r, err := envelope.NewReader(context.Background(), pr, keys, encCtx)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.CopyBuffer(io.Discard, r, make([]byte, 1<<20))
	if err != nil || n != size {
		t.Fatalf("decrypted %d bytes, %v; want %d", n, err, size)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Fatalf("allocated %d bytes for a %d-byte stream; want constant memory", alloc, size)
	}
}
