package teamvault

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"filippo.io/age"
	"filippo.io/age/agessh"
	"golang.org/x/crypto/ssh"
)

// recipient returns the age recipient for k: agessh's ssh-ed25519 or
// ssh-rsa recipient, the two SSH key types age encrypts to.
func recipient(k Key) (age.Recipient, error) {
	switch k.PublicKey.Type() {
	case ssh.KeyAlgoED25519:
		return agessh.NewEd25519Recipient(k.PublicKey)
	case ssh.KeyAlgoRSA:
		return agessh.NewRSARecipient(k.PublicKey)
	default:
		return nil, fmt.Errorf("age encrypts only to ssh-ed25519 and ssh-rsa keys")
	}
}

// stanzaTag is the tag age puts in a recipient stanza for an SSH key: the
// first 4 bytes of the SHA-256 of the key's wire form, base64 without
// padding. It is derived from the fingerprint, which is the whole hash.
func stanzaTag(fingerprint string) (string, error) {
	b64, ok := strings.CutPrefix(fingerprint, "SHA256:")
	if !ok {
		return "", fmt.Errorf("fingerprint %q is not in the SHA256 form", fingerprint)
	}
	sum, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(sum) != sha256.Size {
		return "", fmt.Errorf("fingerprint %q does not decode", fingerprint)
	}
	return base64.RawStdEncoding.EncodeToString(sum[:4]), nil
}

// ParseIdentity parses an unencrypted OpenSSH or PEM private key
// (ssh-ed25519 or ssh-rsa), the file a member passes to `age -d -i`.
// Passphrase-protected keys are refused: decrypt them with ssh-keygen -p
// into a temporary file, or pass an age identity of your own.
func ParseIdentity(pemBytes []byte) (age.Identity, error) {
	id, err := agessh.ParseIdentity(pemBytes)
	if err != nil {
		return nil, invalid("identity", "", "%v", err)
	}
	return id, nil
}
