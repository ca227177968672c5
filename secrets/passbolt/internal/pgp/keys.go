package pgp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Generate makes a v4 key pair (EdDSA Curve25519 primary key that signs,
// ECDH Curve25519 encryption subkey): what GnuPG 2.2 and every Passbolt
// client read.
func Generate(name, email string, now time.Time) (*openpgp.Entity, error) {
	cfg := &packet.Config{
		Algorithm: packet.PubKeyAlgoEdDSA,
		Time:      func() time.Time { return now },
	}
	return openpgp.NewEntity(name, "", email, cfg)
}

// ReadKey reads exactly one armored key (public or private).
func ReadKey(armored string) (*openpgp.Entity, error) {
	el, err := openpgp.ReadArmoredKeyRing(strings.NewReader(armored))
	if err != nil {
		return nil, err
	}
	if len(el) != 1 {
		return nil, fmt.Errorf("%d keys in the armored block, want 1", len(el))
	}
	return el[0], nil
}

// Unlock decrypts e's private keys with passphrase when they are encrypted.
func Unlock(e *openpgp.Entity, passphrase []byte) error {
	if e.PrivateKey == nil {
		return errors.New("not a private key")
	}
	if !e.PrivateKey.Encrypted {
		return nil
	}
	if len(passphrase) == 0 {
		return errors.New("the private key is encrypted and no passphrase was given")
	}
	if err := e.DecryptPrivateKeys(passphrase); err != nil {
		return errors.New("the passphrase does not unlock the private key")
	}
	return nil
}

// Fingerprint is e's primary key fingerprint as 40 uppercase hex digits,
// the form the Passbolt server stores and compares.
func Fingerprint(e *openpgp.Entity) string {
	return strings.ToUpper(hex.EncodeToString(e.PrimaryKey.Fingerprint))
}

// KeyID is the last 16 hex digits of the fingerprint, uppercase.
func KeyID(e *openpgp.Entity) string {
	f := Fingerprint(e)
	return f[len(f)-16:]
}

// ArmorPublic returns e's public key, armored with a checksum.
func ArmorPublic(e *openpgp.Entity) (string, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return "", err
	}
	if err := e.Serialize(w); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return buf.String() + "\n", nil
}

// ArmorPrivate returns e's private key, armored with a checksum.
func ArmorPrivate(e *openpgp.Entity) (string, error) {
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PrivateKeyType, nil)
	if err != nil {
		return "", err
	}
	if err := e.SerializePrivateWithoutSigning(w, nil); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return buf.String() + "\n", nil
}
