// Package pgp holds the OpenPGP steps both the Passbolt client and the test
// server take: reading and writing armored keys, sign-and-encrypt,
// decrypt-and-verify, and the server's armor rule (a CRC24 checksum line is
// required). It wraps github.com/ProtonMail/go-crypto/openpgp.
package pgp
