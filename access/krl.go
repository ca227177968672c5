package access

import (
	"bytes"
	"encoding/binary"
	"maps"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// RevocationList is the revoked keys list hosts refuse, kept in OpenSSH's
// KRL format (PROTOCOL.krl), which sshd reads as its RevokedKeys file. It
// revokes:
//   - keys (Revoke): the key and every certificate of it;
//   - single certificates by serial under their CA (RevokeCertificate,
//     RevokeSerial), leaving the key's other certificates valid;
//   - certificates by key ID (RevokeKeyID), under one CA or under any, so
//     every certificate issued to an identity stops at once.
//
// It is safe for concurrent use.
type RevocationList struct {
	mu      sync.Mutex
	keys    map[string]ssh.PublicKey // fingerprint -> plain key
	cas     map[string]*krlCA        // CA fingerprint ("" for any CA)
	version uint64
	date    uint64
}

// krlCA is what one CA's certificates have revoked.
type krlCA struct {
	key     ssh.PublicKey // nil for any CA
	serials map[uint64]bool
	keyIDs  map[string]bool
}

// ErrInvalidKRL is returned for a revoked keys list that cannot be parsed.
var ErrInvalidKRL = invalid("access: invalid revoked keys list")

// NewRevocationList returns an empty list.
func NewRevocationList() *RevocationList {
	return &RevocationList{keys: map[string]ssh.PublicKey{}, cas: map[string]*krlCA{}}
}

func plainKey(key ssh.PublicKey) ssh.PublicKey {
	if c, ok := key.(*ssh.Certificate); ok {
		return c.Key
	}
	return key
}

// changed bumps the list's version and date; the caller holds mu.
func (r *RevocationList) changed() {
	r.version++
	r.date = uint64(time.Now().Unix())
}

// Revoke adds key (for a certificate, its underlying key) to the list:
// the key and every certificate of it are refused.
func (r *RevocationList) Revoke(key ssh.PublicKey) {
	key = plainKey(key)
	fp := ssh.FingerprintSHA256(key)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[fp]; !ok {
		r.keys[fp] = key
		r.changed()
	}
}

func (r *RevocationList) ca(key ssh.PublicKey) *krlCA {
	fp := ""
	if key != nil {
		fp = ssh.FingerprintSHA256(key)
	}
	c := r.cas[fp]
	if c == nil {
		c = &krlCA{key: key, serials: map[uint64]bool{}, keyIDs: map[string]bool{}}
		r.cas[fp] = c
	}
	return c
}

// RevokeSerial revokes the certificate with serial issued by ca. Serial 0
// cannot be revoked this way (the KRL format reserves it); revoke the key
// or the key ID instead.
func (r *RevocationList) RevokeSerial(ca ssh.PublicKey, serial uint64) error {
	if ca == nil {
		return &InvalidError{Input: "RevokeSerial", Field: "ca", Reason: "revoking a serial needs the CA key", Err: ErrInvalidOption}
	}
	if serial == 0 {
		return &InvalidError{Input: "RevokeSerial", Field: "serial", Reason: "serial 0 cannot be revoked by serial", Err: ErrInvalidOption}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.ca(plainKey(ca))
	if !c.serials[serial] {
		c.serials[serial] = true
		r.changed()
	}
	return nil
}

// RevokeCertificate revokes this one certificate, by its serial under the
// CA that signed it; other certificates of the same key stay valid.
func (r *RevocationList) RevokeCertificate(cert *ssh.Certificate) error {
	return r.RevokeSerial(cert.SignatureKey, cert.Serial)
}

// RevokeKeyID revokes every certificate with key ID id issued by ca, or by
// any CA when ca is nil.
func (r *RevocationList) RevokeKeyID(ca ssh.PublicKey, id string) error {
	if id == "" {
		return &InvalidError{Input: "RevokeKeyID", Field: "id", Reason: "empty", Err: ErrInvalidOption}
	}
	if ca != nil {
		ca = plainKey(ca)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.ca(ca)
	if !c.keyIDs[id] {
		c.keyIDs[id] = true
		r.changed()
	}
	return nil
}

// IsRevoked reports whether key is refused: a revoked key, a certificate
// of one, or a certificate revoked by serial or key ID.
func (r *RevocationList) IsRevoked(key ssh.PublicKey) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.keys[ssh.FingerprintSHA256(plainKey(key))]; ok {
		return true
	}
	cert, ok := key.(*ssh.Certificate)
	if !ok {
		return false
	}
	if c := r.cas[ssh.FingerprintSHA256(cert.SignatureKey)]; c != nil && (c.serials[cert.Serial] || c.keyIDs[cert.KeyId]) {
		return true
	}
	if c := r.cas[""]; c != nil && c.keyIDs[cert.KeyId] {
		return true
	}
	return false
}

// Version counts the changes made to the list (KRL krl_version).
func (r *RevocationList) Version() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.version
}

// The KRL format's constants (OpenSSH PROTOCOL.krl).
const (
	krlMagic          = 0x5353484b524c0a00 // "SSHKRL\n\0"
	krlFormatVersion  = 1
	krlCertificates   = 1
	krlExplicitKey    = 2
	krlCertSerialList = 0x20
	krlCertKeyID      = 0x23
)

func putString(b *bytes.Buffer, s []byte) {
	_ = binary.Write(b, binary.BigEndian, uint32(len(s)))
	b.Write(s)
}

// putSection writes a KRL section or certificate subsection: its type, then
// its body as a string.
func putSection(b *bytes.Buffer, typ byte, body []byte) {
	b.WriteByte(typ)
	putString(b, body)
}

// Content is the list as a KRL, the same bytes for the same revocations
// (sections and entries sorted; the version and date are the last change's).
func (r *RevocationList) Content() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b bytes.Buffer
	_ = binary.Write(&b, binary.BigEndian, uint64(krlMagic))
	_ = binary.Write(&b, binary.BigEndian, uint32(krlFormatVersion))
	_ = binary.Write(&b, binary.BigEndian, r.version)
	_ = binary.Write(&b, binary.BigEndian, r.date)
	_ = binary.Write(&b, binary.BigEndian, uint64(0)) // flags
	putString(&b, nil)                                // reserved
	putString(&b, []byte("opskit"))                   // comment
	for _, fp := range slices.Sorted(maps.Keys(r.cas)) {
		c := r.cas[fp]
		if len(c.serials) == 0 && len(c.keyIDs) == 0 {
			continue
		}
		var sect bytes.Buffer
		if c.key != nil {
			putString(&sect, c.key.Marshal())
		} else {
			putString(&sect, nil)
		}
		putString(&sect, nil) // reserved
		if len(c.serials) > 0 {
			var sub bytes.Buffer
			for _, s := range slices.Sorted(maps.Keys(c.serials)) {
				_ = binary.Write(&sub, binary.BigEndian, s)
			}
			putSection(&sect, krlCertSerialList, sub.Bytes())
		}
		if len(c.keyIDs) > 0 {
			var sub bytes.Buffer
			for _, id := range slices.Sorted(maps.Keys(c.keyIDs)) {
				putString(&sub, []byte(id))
			}
			putSection(&sect, krlCertKeyID, sub.Bytes())
		}
		putSection(&b, krlCertificates, sect.Bytes())
	}
	if len(r.keys) > 0 {
		var sect bytes.Buffer
		for _, fp := range slices.Sorted(maps.Keys(r.keys)) {
			putString(&sect, r.keys[fp].Marshal())
		}
		putSection(&b, krlExplicitKey, sect.Bytes())
	}
	return b.Bytes()
}

// Op returns the op that installs the list on a host.
func (r *RevocationList) Op() Op { return Op{Kind: OpSetRevokedKeys, Content: r.Content()} }
