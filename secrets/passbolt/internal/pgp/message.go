package pgp

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// Encrypt encrypts plaintext to every key in to, signed by signer when it
// is not nil, in one armored message with a checksum (as `gpg -sea`).
func Encrypt(plaintext []byte, to []*openpgp.Entity, signer *openpgp.Entity) (string, error) {
	var buf bytes.Buffer
	aw, err := armor.Encode(&buf, "PGP MESSAGE", nil)
	if err != nil {
		return "", err
	}
	pw, err := openpgp.Encrypt(aw, to, signer, &openpgp.FileHints{IsBinary: true}, nil)
	if err != nil {
		return "", err
	}
	if _, err := pw.Write(plaintext); err != nil {
		return "", err
	}
	if err := pw.Close(); err != nil {
		return "", err
	}
	if err := aw.Close(); err != nil {
		return "", err
	}
	return buf.String() + "\n", nil
}

// Errors from Decrypt, for callers that tell them apart.
var (
	// ErrDecrypt: the message is not for the given key or is damaged.
	ErrDecrypt = errors.New("the message cannot be decrypted with this key")
	// ErrUnsigned: a signature was required and the message has none by a
	// known key.
	ErrUnsigned = errors.New("the message is not signed by the expected key")
	// ErrBadSignature: the signature does not verify.
	ErrBadSignature = errors.New("the message signature does not verify")
)

// Decrypted is the result of Decrypt.
type Decrypted struct {
	// Plaintext is the message's content.
	Plaintext []byte
	// Signer is the fingerprint (uppercase hex) of the primary key of the
	// verified signer, empty when the message carries no signature by one
	// of the signers given to Decrypt.
	Signer string
	// SigningKey is the fingerprint of the key (primary or subkey) that
	// made the signature, as GnuPG reports it.
	SigningKey string
}

// Decrypt decrypts an armored message with key. When signers is not empty,
// a signature by one of them is required and verified; otherwise
// signatures are not checked at all (Signer stays empty).
func Decrypt(armored string, key *openpgp.Entity, signers ...*openpgp.Entity) (*Decrypted, error) {
	if err := CheckArmor(armored); err != nil {
		return nil, err
	}
	block, err := armor.Decode(strings.NewReader(armored))
	if err != nil || block.Type != "PGP MESSAGE" {
		return nil, ErrArmor
	}
	var ring openpgp.KeyRing = decryptOnly{openpgp.EntityList{key}}
	if len(signers) > 0 {
		ring = append(openpgp.EntityList{key}, signers...)
	}
	md, err := openpgp.ReadMessage(block.Body, ring, nil, nil)
	if err != nil {
		return nil, ErrDecrypt
	}
	if !md.IsEncrypted || md.DecryptedWith.Entity == nil || md.DecryptedWith.Entity != key {
		return nil, ErrDecrypt
	}
	plain, err := io.ReadAll(md.UnverifiedBody)
	if err != nil {
		if md.IsSigned && md.SignedBy != nil {
			return nil, ErrBadSignature
		}
		return nil, ErrDecrypt
	}
	out := &Decrypted{Plaintext: plain}
	if md.IsSigned && md.SignedBy != nil && md.SignatureError == nil {
		out.Signer = Fingerprint(md.SignedBy.Entity)
		out.SigningKey = strings.ToUpper(hex.EncodeToString(md.SignedBy.PublicKey.Fingerprint))
	}
	if len(signers) == 0 {
		return out, nil
	}
	if md.IsSigned && md.SignedBy != nil && md.SignatureError != nil {
		return nil, ErrBadSignature
	}
	if out.Signer == "" {
		return nil, ErrUnsigned
	}
	return out, nil
}

// decryptOnly is a keyring that decrypts but offers no key to verify
// signatures with, so go-crypto skips verifying them.
type decryptOnly struct{ openpgp.EntityList }

func (decryptOnly) KeysByIdUsage(uint64, byte) []openpgp.Key { return nil }
