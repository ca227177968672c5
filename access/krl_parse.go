package access

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// ParseRevocationList reads a revoked keys file: a KRL with the sections
// Content writes (certificates by serial list and key ID, explicit keys),
// or the text form with one public key a line. An empty file is an empty
// list. KRL sections opskit does not write (serial ranges and bitmaps, key
// hashes, signatures, critical extensions) are rejected with an error that
// names them, rather than dropped.
func ParseRevocationList(data []byte) (*RevocationList, error) {
	r := NewRevocationList()
	var magic [8]byte
	binary.BigEndian.PutUint64(magic[:], krlMagic)
	if !bytes.HasPrefix(data, magic[:]) {
		return r, r.parseText(data)
	}
	if err := r.parseKRL(&krlReader{b: data[8:]}); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKRL, err)
	}
	return r, nil
}

func (r *RevocationList) parseText(data []byte) error {
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, _, rest, err := ssh.ParseAuthorizedKey(line)
		if err != nil || len(bytes.TrimSpace(rest)) > 0 {
			return fmt.Errorf("%w: line %d is neither a KRL nor a public key", ErrInvalidKRL, i+1)
		}
		r.Revoke(key)
	}
	return nil
}

// krlReader reads the SSH wire types a KRL is made of.
type krlReader struct{ b []byte }

func (k *krlReader) u32() (uint32, error) {
	if len(k.b) < 4 {
		return 0, fmt.Errorf("truncated")
	}
	v := binary.BigEndian.Uint32(k.b)
	k.b = k.b[4:]
	return v, nil
}

func (k *krlReader) u64() (uint64, error) {
	if len(k.b) < 8 {
		return 0, fmt.Errorf("truncated")
	}
	v := binary.BigEndian.Uint64(k.b)
	k.b = k.b[8:]
	return v, nil
}

func (k *krlReader) str() ([]byte, error) {
	n, err := k.u32()
	if err != nil {
		return nil, err
	}
	if uint64(n) > uint64(len(k.b)) {
		return nil, fmt.Errorf("string of %d bytes with %d left", n, len(k.b))
	}
	s := k.b[:n]
	k.b = k.b[n:]
	return s, nil
}

// section reads a section or subsection: its type and its body.
func (k *krlReader) section() (byte, *krlReader, error) {
	typ, err := k.byte()
	if err != nil {
		return 0, nil, err
	}
	body, err := k.str()
	if err != nil {
		return 0, nil, fmt.Errorf("section %d: %v", typ, err)
	}
	return typ, &krlReader{b: body}, nil
}

func (k *krlReader) byte() (byte, error) {
	if len(k.b) < 1 {
		return 0, fmt.Errorf("truncated")
	}
	v := k.b[0]
	k.b = k.b[1:]
	return v, nil
}

// extension reads an extension body and fails on a critical one.
func extension(body []byte) error {
	k := &krlReader{b: body}
	name, err := k.str()
	if err != nil {
		return err
	}
	crit, err := k.byte()
	if err != nil {
		return err
	}
	if crit != 0 {
		return fmt.Errorf("critical extension %q not supported", name)
	}
	return nil
}

func (r *RevocationList) parseKRL(k *krlReader) error {
	format, err := k.u32()
	if err != nil {
		return err
	}
	if format != krlFormatVersion {
		return fmt.Errorf("format version %d, want %d", format, krlFormatVersion)
	}
	version, err := k.u64()
	if err != nil {
		return err
	}
	date, err := k.u64()
	if err != nil {
		return err
	}
	if _, err := k.u64(); err != nil { // flags
		return err
	}
	for range 2 { // reserved, comment
		if _, err := k.str(); err != nil {
			return err
		}
	}
	for len(k.b) > 0 {
		typ, body, err := k.section()
		if err != nil {
			return err
		}
		switch typ {
		case krlCertificates:
			err = r.parseCertSection(body)
		case krlExplicitKey:
			err = r.parseExplicitKeys(body)
		case 255:
			err = extension(body.b)
		default:
			err = fmt.Errorf("section type %d not supported", typ)
		}
		if err != nil {
			return err
		}
	}
	// The parsed list keeps the file's version and date, so writing it back
	// unchanged gives the same bytes.
	r.version, r.date = version, date
	return nil
}

func (r *RevocationList) parseCertSection(k *krlReader) error {
	blob, err := k.str()
	if err != nil {
		return err
	}
	var ca ssh.PublicKey
	if len(blob) > 0 {
		if ca, err = ssh.ParsePublicKey(blob); err != nil {
			return fmt.Errorf("CA key: %v", err)
		}
	}
	if _, err := k.str(); err != nil { // reserved
		return err
	}
	for len(k.b) > 0 {
		typ, sub, err := k.section()
		if err != nil {
			return err
		}
		switch typ {
		case krlCertSerialList:
			if ca == nil {
				return fmt.Errorf("serials revoked without a CA key")
			}
			if len(sub.b)%8 != 0 {
				return fmt.Errorf("serial list of %d bytes", len(sub.b))
			}
			for len(sub.b) > 0 {
				s, _ := sub.u64()
				if err := r.RevokeSerial(ca, s); err != nil {
					return err
				}
			}
		case krlCertKeyID:
			for len(sub.b) > 0 {
				id, err := sub.str()
				if err != nil {
					return err
				}
				if err := r.RevokeKeyID(ca, string(id)); err != nil {
					return err
				}
			}
		case 0x39:
			if err := extension(sub.b); err != nil {
				return err
			}
		default:
			return fmt.Errorf("certificate subsection type %#x not supported", typ)
		}
	}
	return nil
}

func (r *RevocationList) parseExplicitKeys(k *krlReader) error {
	for len(k.b) > 0 {
		blob, err := k.str()
		if err != nil {
			return err
		}
		key, err := ssh.ParsePublicKey(blob)
		if err != nil {
			return fmt.Errorf("explicit key: %v", err)
		}
		if _, ok := key.(*ssh.Certificate); ok {
			return fmt.Errorf("explicit key section holds a certificate")
		}
		r.Revoke(key)
	}
	return nil
}
