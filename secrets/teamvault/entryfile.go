package teamvault

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// Reader is one key an entry is encrypted to, as its .readers file lists
// it: the member and the key's type and fingerprint.
type Reader struct {
	// Member is the member's name in the team file.
	Member string
	// Type is the key type, "ssh-ed25519" or "ssh-rsa".
	Type string
	// Fingerprint is the key's SHA256 fingerprint.
	Fingerprint string
}

// String is the reader's .readers line.
func (r Reader) String() string { return r.Member + " " + r.Type + " " + r.Fingerprint }

func compareReaders(a, b Reader) int {
	if c := strings.Compare(a.Member, b.Member); c != 0 {
		return c
	}
	return strings.Compare(a.Fingerprint, b.Fingerprint)
}

// marshalReaders writes an entry's .readers file: a comment naming the
// entry, then one sorted line per key, so a diff shows who gained or lost
// access.
func marshalReaders(entry string, readers []Reader) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Who can decrypt %s.age; written by opskit teamvault, do not edit.\n", entry)
	for _, r := range readers {
		b.WriteString(r.String())
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// parseReaders reads a .readers file.
func parseReaders(data []byte) ([]Reader, error) {
	var out []Reader
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("readers line %d: want \"member type fingerprint\"", n)
		}
		out = append(out, Reader{Member: f[0], Type: f[1], Fingerprint: f[2]})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(out, compareReaders)
	return out, nil
}

// stanza is one recipient line of an age header: its type and first
// argument (the key tag for the SSH types).
type stanza struct{ typ, tag string }

// headerStanzas returns the recipient stanzas of an armored age file.
func headerStanzas(armored []byte) ([]stanza, error) {
	hdr, err := age.ExtractHeader(armor.NewReader(bytes.NewReader(armored)))
	if err != nil {
		return nil, err
	}
	var out []stanza
	for _, line := range strings.Split(string(hdr), "\n") {
		rest, ok := strings.CutPrefix(line, "-> ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		s := stanza{typ: f[0]}
		if len(f) > 1 {
			s.tag = f[1]
		}
		out = append(out, s)
	}
	return out, nil
}

// verifyRecipients checks that the age file's recipient stanzas are
// exactly the keys readers lists, one stanza per key, so the .readers file
// tells the truth about who can decrypt.
func verifyRecipients(armored []byte, readers []Reader) error {
	stanzas, err := headerStanzas(armored)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrTampered, err)
	}
	want := map[stanza]int{}
	for _, r := range readers {
		tag, err := stanzaTag(r.Fingerprint)
		if err != nil {
			return fmt.Errorf("%w: .readers: %v", ErrTampered, err)
		}
		want[stanza{typ: r.Type, tag: tag}]++
	}
	for _, s := range stanzas {
		if want[s] == 0 {
			return fmt.Errorf("%w: the file is encrypted to a %s key (tag %s) its .readers file does not list", ErrTampered, s.typ, s.tag)
		}
		want[s]--
	}
	for s, n := range want {
		if n > 0 {
			return fmt.Errorf("%w: .readers lists a %s key (tag %s) the file is not encrypted to", ErrTampered, s.typ, s.tag)
		}
	}
	return nil
}

// encrypt returns plaintext encrypted to recipients as an armored age file.
func encrypt(plaintext []byte, recipients []age.Recipient) ([]byte, error) {
	var b bytes.Buffer
	aw := armor.NewWriter(&b)
	w, err := age.Encrypt(aw, recipients...)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plaintext); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// maxEntrySize bounds a decrypted entry: passwords and small files.
const maxEntrySize = 1 << 20

// decrypt opens an armored age file with id.
func decrypt(armored []byte, id age.Identity) ([]byte, error) {
	r, err := age.Decrypt(armor.NewReader(bytes.NewReader(armored)), id)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, ErrNoAccess
		}
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	out, err := io.ReadAll(io.LimitReader(r, maxEntrySize+1))
	if err != nil {
		clear(out)
		return nil, fmt.Errorf("%w: %v", ErrTampered, err)
	}
	if len(out) > maxEntrySize {
		clear(out)
		return nil, fmt.Errorf("teamvault: entry larger than %d bytes", maxEntrySize)
	}
	return out, nil
}
