package passbolt_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets/passbolt"
	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// BenchmarkShare shares one resource with 50 users per op: simulate, read
// and decrypt the owner's secret, list the users, encrypt 50 times, send.
// ns/user is the op's time divided by 50.
func BenchmarkShare(b *testing.B) {
	const n = 50
	names := []string{"owner"}
	for i := 0; i < n; i++ {
		names = append(names, fmt.Sprintf("u%02d", i))
	}
	e := newEnv(b, names...)
	c := e.dial("owner")
	ctx := context.Background()
	changes := make([]passbolt.PermissionChange, 0, n)
	for _, name := range names[1:] {
		changes = append(changes, passbolt.GrantUser(e.users[name].ID, passbolt.Read))
	}
	b.Run(fmt.Sprintf("%dusers", n), func(b *testing.B) {
		var shared time.Duration
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			r, err := c.CreateResource(ctx, passbolt.ResourceInput{Name: "bench"}, pw("s3cret"))
			if err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			start := time.Now()
			res, err := c.Share(ctx, r.ID, changes...)
			shared += time.Since(start)
			if err != nil || len(res.Added) != n {
				b.Fatalf("Share = %d added, %v", len(res.Added), err)
			}
		}
		b.ReportMetric(float64(shared.Nanoseconds())/float64(b.N*n), "ns/user")
	})
}

// BenchmarkEncryptOneUser is the OpenPGP part of sharing with one user:
// encrypt to their key, signed by the sharer's; beside it the same with
// GnuPG (one gpg process per message, as GnuPG-based clients run it).
func BenchmarkEncryptOneUser(b *testing.B) {
	now := time.Now()
	from, _ := pgp.Generate("a", "a@example.com", now)
	to, _ := pgp.Generate("b", "b@example.com", now)
	plain := []byte(`{"password":"s3cret","description":"d"}`)
	b.Run("opskit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := pgp.Encrypt(plain, []*pgp.Entity{to}, from); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("gnupg", func(b *testing.B) {
		if _, err := exec.LookPath("gpg"); err != nil {
			b.Skip("gpg not installed (Debian package gnupg)")
		}
		home, err := os.MkdirTemp("", "gpg")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(home)
		gpg := func(stdin []byte, args ...string) error {
			cmd := exec.Command("gpg", append([]string{"--batch", "--yes", "--no-tty", "--pinentry-mode", "loopback", "--passphrase", ""}, args...)...)
			cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
			cmd.Stdin = bytes.NewReader(stdin)
			out, err := cmd.CombinedOutput()
			if err != nil {
				return fmt.Errorf("gpg %v: %v: %s", args, err, out)
			}
			return nil
		}
		defer func() {
			cmd := exec.Command("gpgconf", "--kill", "all")
			cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
			_ = cmd.Run()
		}()
		priv, _ := pgp.ArmorPrivate(from)
		pub, _ := pgp.ArmorPublic(to)
		if err := gpg([]byte(priv+pub), "--import"); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := gpg(plain, "--armor", "--trust-model", "always", "--local-user", pgp.Fingerprint(from)+"!",
				"--recipient", pgp.Fingerprint(to), "--sign", "--encrypt", "--output", "/dev/null"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRead100Resources reads 100 resources per op, each with its
// secret decrypted.
func BenchmarkRead100Resources(b *testing.B) {
	e := newEnv(b, "alice")
	c := e.dial("alice")
	ctx := context.Background()
	ids := make([]string, 100)
	for i := range ids {
		r, err := c.CreateResource(ctx, passbolt.ResourceInput{Name: fmt.Sprintf("r%03d", i)}, pw("s3cret"))
		if err != nil {
			b.Fatal(err)
		}
		ids[i] = r.ID
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, id := range ids {
			if _, s, err := c.ReadResource(ctx, id); err != nil || s.Password.Reveal() != "s3cret" {
				b.Fatalf("ReadResource: %v", err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/resource")
}
