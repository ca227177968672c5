package passbolttest

import (
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"regexp"
)

// namespace is the UUID namespace passbolt_api's UuidFactory uses for the
// ids it derives (action ids and resource-type ids).
var namespace = [16]byte{0xd5, 0x44, 0x7c, 0xa1, 0x95, 0x0f, 0x45, 0x9d, 0x8b, 0x20, 0x86, 0xdd, 0xfd, 0xd0, 0xf9, 0x22}

// UUIDv5 returns the RFC 4122 version 5 UUID of name under Passbolt's
// namespace: ResourceTypeID("password-string") and the envelope's action
// id are computed with it.
func UUIDv5(name string) string {
	h := sha1.New()
	h.Write(namespace[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return format(u)
}

func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return format(u)
}

func format(u [16]byte) string {
	s := hex.EncodeToString(u[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}

// uuidRe is Cake's Validation::uuid: the canonical 8-4-4-4-12 form.
var uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-5][0-9a-fA-F]{3}-[089aAbB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)

func isUUID(s string) bool { return uuidRe.MatchString(s) }
