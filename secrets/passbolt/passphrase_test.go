package passbolt_test

import (
	"context"
	"crypto"
	"errors"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/ProtonMail/go-crypto/openpgp/s2k"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/passbolt"
	"github.com/opskit-dev/opskit/secrets/passbolt/internal/pgp"
)

// protect returns the armored private key encrypted with passphrase.
func protect(t *testing.T, armored, passphrase string) string {
	t.Helper()
	k, err := pgp.ReadKey(armored)
	if err != nil {
		t.Fatal(err)
	}
	// A cheap S2K count keeps the test fast; real keys use far more.
	cfg := &packet.Config{S2KConfig: &s2k.Config{S2KMode: s2k.IteratedSaltedS2K, Hash: crypto.SHA256, S2KCount: 1024}}
	if err := k.EncryptPrivateKeys([]byte(passphrase), cfg); err != nil {
		t.Fatal(err)
	}
	out, err := pgp.ArmorPrivate(k)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestProtectedKey(t *testing.T) {
	e := newEnv(t, "alice")
	o := e.options("alice")
	o.PrivateKey = secrets.NewValue([]byte(protect(t, e.users["alice"].PrivateKey, "open sesame")))
	for _, pass := range []string{"", "wrong"} {
		o.Passphrase = secrets.NewValue([]byte(pass))
		_, err := passbolt.Dial(context.Background(), o)
		var ie *passbolt.InvalidError
		if !errors.As(err, &ie) || ie.Field != "Passphrase" {
			t.Fatalf("Dial with passphrase %q = %v; want *InvalidError on Passphrase", pass, err)
		}
	}
	o.Passphrase = secrets.NewValue([]byte("open sesame"))
	c, err := passbolt.Dial(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r, err := c.CreateResource(context.Background(), passbolt.ResourceInput{Name: "x"}, pw("y"))
	if err != nil {
		t.Fatal(err)
	}
	if _, s, err := c.ReadResource(context.Background(), r.ID); err != nil || s.Password.Reveal() != "y" {
		t.Fatalf("read with an unlocked protected key: %v", err)
	}
}
