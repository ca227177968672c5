package pgp

import (
	"strings"
	"testing"
	"time"
)

func TestCheckArmor(t *testing.T) {
	k, err := Generate("a", "a@example.com", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	msg, err := Encrypt([]byte("x"), nil, nil)
	if err == nil {
		t.Fatalf("Encrypt to nobody = %q; want an error", msg)
	}
	msg, err = Encrypt([]byte("x"), []*Entity{k}, k)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckArmor(msg); err != nil {
		t.Fatalf("our own message: %v", err)
	}
	var crcless []string
	for _, l := range strings.Split(msg, "\n") {
		if !(strings.HasPrefix(l, "=") && len(l) == 5) {
			crcless = append(crcless, l)
		}
	}
	for name, bad := range map[string]string{
		"no checksum":       strings.Join(crcless, "\n"),
		"no blank line":     strings.Replace(msg, "-----\n\n", "-----\n", 1),
		"not a message":     strings.ReplaceAll(msg, "PGP MESSAGE", "PGP SIGNATURE"),
		"non-ASCII":         msg + "é",
		"empty":             "",
		"no end marker":     msg[:strings.Index(msg, "-----END")],
		"short checksum":    strings.Replace(msg, "\n=", "\n=A", 1)[:0] + strings.Join(crcless, "\n") + "\n=AB\n",
		"plain JSON string": `{"password":"x"}`,
	} {
		if CheckArmor(bad) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Decrypt(strings.Join(crcless, "\n"), k); err != ErrArmor {
		t.Errorf("Decrypt without checksum = %v; want ErrArmor", err)
	}
}

func TestDecryptSignatures(t *testing.T) {
	now := time.Now()
	a, _ := Generate("a", "a@example.com", now)
	b, _ := Generate("b", "b@example.com", now)
	signed, _ := Encrypt([]byte("x"), []*Entity{a}, b)
	unsigned, _ := Encrypt([]byte("x"), []*Entity{a}, nil)
	if d, err := Decrypt(signed, a, b); err != nil || d.Signer != Fingerprint(b) || d.SigningKey != Fingerprint(b) {
		t.Fatalf("signed by b: %+v, %v", d, err)
	}
	if _, err := Decrypt(signed, a, a); err != ErrUnsigned {
		t.Fatalf("signed by b, a required: %v; want ErrUnsigned", err)
	}
	if _, err := Decrypt(unsigned, a, b); err != ErrUnsigned {
		t.Fatalf("unsigned, b required: %v; want ErrUnsigned", err)
	}
	if d, err := Decrypt(unsigned, a); err != nil || string(d.Plaintext) != "x" || d.Signer != "" {
		t.Fatalf("unsigned, none required: %+v, %v", d, err)
	}
	if d, err := Decrypt(signed, a); err != nil || string(d.Plaintext) != "x" || d.Signer != "" {
		t.Fatalf("signed, none required: %+v, %v; want the plaintext, signature unchecked", d, err)
	}
	if _, err := Decrypt(signed, b); err != ErrDecrypt {
		t.Fatalf("for a, opened with b: %v; want ErrDecrypt", err)
	}
}
