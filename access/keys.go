package access

import (
	"bytes"
	"crypto/rsa"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// DefaultMinRSABits is the smallest RSA key accepted unless KeyPolicy says
// otherwise.
const DefaultMinRSABits = 3072

// LowestMinRSABits is the lowest MinRSABits a KeyPolicy may set.
const LowestMinRSABits = 2048

// KeyPolicy decides which public keys are acceptable.
type KeyPolicy struct {
	// MinRSABits is the smallest RSA modulus accepted; 0 means
	// DefaultMinRSABits. It may not be set below LowestMinRSABits.
	MinRSABits int
}

func (p KeyPolicy) minRSA() (int, error) {
	switch {
	case p.MinRSABits == 0:
		return DefaultMinRSABits, nil
	case p.MinRSABits < LowestMinRSABits:
		return 0, &InvalidError{Input: "KeyPolicy", Field: "MinRSABits", Reason: fmt.Sprintf("%d is below %d", p.MinRSABits, LowestMinRSABits), Err: ErrInvalidOption}
	}
	return p.MinRSABits, nil
}

// Key is one validated public key, as granted to a user.
type Key struct {
	// PublicKey is the parsed key.
	PublicKey ssh.PublicKey
	// Comment is the key's comment with control characters rejected.
	Comment string
	// Source says where the key came from: "inline" or "github:USER".
	Source string
	// Line is the team-file line that declared the key, when known.
	Line int
}

// Fingerprint returns the key's SHA256 fingerprint.
func (k Key) Fingerprint() string { return ssh.FingerprintSHA256(k.PublicKey) }

// AuthorizedLine returns the key as one authorized_keys line without the
// trailing newline: "type base64 comment", never with options.
func (k Key) AuthorizedLine() string {
	line := strings.TrimSuffix(string(ssh.MarshalAuthorizedKey(k.PublicKey)), "\n")
	if k.Comment != "" {
		line += " " + k.Comment
	}
	return line
}

// ParseKey validates one authorized_keys line: exactly one key, parsed by
// ssh.ParseAuthorizedKey with nothing left over, no options, no newline or
// control character anywhere, no certificate, no DSA, and RSA at least the
// policy's minimum size.
func ParseKey(line string, policy KeyPolicy) (Key, error) {
	minRSA, err := policy.minRSA()
	if err != nil {
		return Key{}, err
	}
	if i := strings.IndexFunc(line, isControl); i >= 0 {
		return Key{}, fmt.Errorf("%w: control character %q at byte %d", ErrKeySmuggling, line[i], i+1)
	}
	trimmed := strings.TrimSpace(line)
	if trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return Key{}, fmt.Errorf("%w: empty line", ErrInvalidKey)
	}
	if f := strings.Fields(trimmed); f[0] == "ssh-dss" || strings.HasPrefix(f[0], "ssh-dss-cert") {
		// x/crypto/ssh no longer parses DSA; name the real reason.
		return Key{}, fmt.Errorf("%w: DSA keys are not accepted", ErrWeakKey)
	}
	pub, comment, options, rest, err := ssh.ParseAuthorizedKey([]byte(trimmed))
	if err != nil {
		return Key{}, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	if len(options) > 0 {
		return Key{}, fmt.Errorf("%w: %s", ErrKeyOptions, strings.Join(options, ","))
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return Key{}, fmt.Errorf("%w: data after the key", ErrKeySmuggling)
	}
	// The line must start with the key type, so nothing sshd would read as
	// options can hide in front of it.
	if !strings.HasPrefix(trimmed, pub.Type()+" ") && trimmed != pub.Type() {
		return Key{}, fmt.Errorf("%w: line does not start with the key type %s", ErrKeyOptions, pub.Type())
	}
	if _, ok := pub.(*ssh.Certificate); ok {
		return Key{}, fmt.Errorf("%w: certificates are not authorized keys", ErrInvalidKey)
	}
	if err := checkStrength(pub, minRSA); err != nil {
		return Key{}, err
	}
	return Key{PublicKey: pub, Comment: strings.Join(strings.Fields(comment), " "), Source: "inline"}, nil
}

func checkStrength(pub ssh.PublicKey, minRSA int) error {
	switch pub.Type() {
	case "ssh-dss":
		return fmt.Errorf("%w: DSA keys are not accepted", ErrWeakKey)
	case ssh.KeyAlgoRSA:
		cpk, ok := pub.(ssh.CryptoPublicKey)
		if !ok {
			return fmt.Errorf("%w: unreadable RSA key", ErrInvalidKey)
		}
		rk, ok := cpk.CryptoPublicKey().(*rsa.PublicKey)
		if !ok {
			return fmt.Errorf("%w: unreadable RSA key", ErrInvalidKey)
		}
		if bits := rk.N.BitLen(); bits < minRSA {
			return fmt.Errorf("%w: RSA key has %d bits, minimum %d", ErrWeakKey, bits, minRSA)
		}
	}
	return nil
}
