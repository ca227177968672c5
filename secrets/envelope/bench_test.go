package envelope_test

import (
	"bytes"
	"context"
	"io"
	"testing"

	"github.com/opskit-dev/opskit/secrets/envelope"
)

const benchSize = 1 << 30

// zeros is an endless source of plaintext.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// BenchmarkEnvelope encrypts and decrypts 1 GiB through the streaming API
// with the local key service (KMS adds one call per message), beside age
// and sops (benchPeers).
func BenchmarkEnvelope(b *testing.B) {
	keys := localKeys(b)
	ctx := context.Background()
	b.Run("opskit/encrypt", func(b *testing.B) {
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			w, err := envelope.NewWriter(ctx, io.Discard, keys, "k1", encCtx, envelope.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.CopyN(w, zeros{}, benchSize); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("opskit/decrypt", func(b *testing.B) {
		// A 64 MiB message read 16 times per op: 1 GiB decrypted.
		var buf bytes.Buffer
		w, _ := envelope.NewWriter(ctx, &buf, keys, "k1", encCtx, envelope.Options{})
		_, _ = io.CopyN(w, zeros{}, 64<<20)
		_ = w.Close()
		msg := buf.Bytes()
		b.SetBytes(benchSize)
		b.ReportAllocs()
		for b.Loop() {
			for range benchSize / (64 << 20) {
				r, err := envelope.NewReader(ctx, bytes.NewReader(msg), keys, encCtx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	benchPeers(b)
}
