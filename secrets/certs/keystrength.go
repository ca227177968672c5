package certs

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"fmt"
	"strconv"
	"strings"
)

// MinRSABits is the smallest RSA key the key checks pass: 2048 bits, the
// floor of the CA/Browser Forum baseline requirements and NIST SP 800-57
// (112-bit security) through 2030.
const MinRSABits = 2048

// MinECBits is the smallest elliptic-curve key the key checks pass (P-256).
const MinECBits = 256

// weakACMKey says why an ACM KeyAlgorithm (RSA_1024, RSA_2048,
// EC_prime256v1, EC_secp384r1, ...) is too weak, or "" when it is not.
func weakACMKey(alg string) string {
	switch {
	case strings.HasPrefix(alg, "RSA_"):
		bits, err := strconv.Atoi(strings.TrimPrefix(alg, "RSA_"))
		if err != nil {
			return "unknown RSA key size " + alg
		}
		if bits < MinRSABits {
			return fmt.Sprintf("RSA key of %d bits, below %d", bits, MinRSABits)
		}
	case alg == "EC_prime256v1", alg == "EC_secp384r1", alg == "EC_secp521r1":
	case alg == "":
		return "no key algorithm reported"
	default:
		return "unrecognised key algorithm " + alg
	}
	return ""
}

// weakKey says why a certificate's public key is too weak, or "" when it
// is not; desc describes the key either way, e.g. "RSA 2048".
func weakKey(pub any) (desc, why string) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		desc = fmt.Sprintf("RSA %d", bits)
		if bits < MinRSABits {
			why = fmt.Sprintf("RSA key of %d bits, below %d", bits, MinRSABits)
		}
	case *ecdsa.PublicKey:
		bits := k.Curve.Params().BitSize
		desc = "ECDSA " + k.Curve.Params().Name
		if bits < MinECBits {
			why = fmt.Sprintf("EC key of %d bits, below %d", bits, MinECBits)
		}
	case ed25519.PublicKey:
		desc = "Ed25519"
	default:
		desc = fmt.Sprintf("%T", pub)
		why = "unrecognised key type " + desc
	}
	return desc, why
}
