package access_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"golang.org/x/crypto/ssh"
)

// krlFixture is a CA, another CA, and certificates revoked or not in every
// way a RevocationList can revoke.
type krlFixture struct {
	rl                                   *access.RevocationList
	revoked, kept                        map[string]ssh.PublicKey
	bySerial, sameKey, byID, byIDOtherCA *ssh.Certificate
}

func newKRLFixture(t *testing.T) krlFixture {
	t.Helper()
	ca, _, err := access.GenerateCA("ca-one", access.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := access.GenerateCA("ca-two", access.CAOptions{})
	issue := func(ca *access.CA, s ssh.Signer, id string) *ssh.Certificate {
		c, err := ca.IssueUserCert(access.CertRequest{PublicKey: s.PublicKey(), KeyID: id, Principals: []string{"u"}, TTL: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	k1, _ := newSigner(t, "k1")
	k2, _ := newSigner(t, "k2")
	k3, _ := newSigner(t, "k3")
	gone, _ := newSigner(t, "gone")
	f := krlFixture{rl: access.NewRevocationList()}
	f.bySerial = issue(ca, k1, "alice")
	f.sameKey = issue(ca, k1, "alice")
	f.byID = issue(ca, k2, "contractor")
	f.byIDOtherCA = issue(other, k3, "contractor")
	goneCert := issue(ca, gone, "bob")
	keptID := issue(ca, k3, "carol")
	if err := f.rl.RevokeCertificate(f.bySerial); err != nil {
		t.Fatal(err)
	}
	if err := f.rl.RevokeKeyID(nil, "contractor"); err != nil {
		t.Fatal(err)
	}
	f.rl.Revoke(gone.PublicKey())
	f.revoked = map[string]ssh.PublicKey{"serial": f.bySerial, "key id": f.byID, "key id, other CA": f.byIDOtherCA, "key": gone.PublicKey(), "cert of key": goneCert}
	f.kept = map[string]ssh.PublicKey{"same key, other serial": f.sameKey, "plain k1": k1.PublicKey(), "other key id": keptID}
	return f
}

func TestRevocationList(t *testing.T) {
	f := newKRLFixture(t)
	check := func(name string, rl *access.RevocationList) {
		for what, k := range f.revoked {
			if !rl.IsRevoked(k) {
				t.Errorf("%s: %s not revoked", name, what)
			}
		}
		for what, k := range f.kept {
			if rl.IsRevoked(k) {
				t.Errorf("%s: %s revoked", name, what)
			}
		}
	}
	check("built", f.rl)
	content := f.rl.Content()
	if !bytes.Equal(content, f.rl.Content()) {
		t.Fatal("Content differs between two calls")
	}
	back, err := access.ParseRevocationList(content)
	if err != nil {
		t.Fatal(err)
	}
	check("parsed", back)
	if !bytes.Equal(back.Content(), content) {
		t.Error("a parsed list writes different bytes")
	}
	v := back.Version()
	_ = back.RevokeCertificate(f.bySerial) // already there
	if back.Version() != v {
		t.Error("revoking twice changed the version")
	}
	if err := back.RevokeSerial(f.bySerial.SignatureKey, 0); err == nil {
		t.Error("serial 0 accepted")
	}
	if err := back.RevokeKeyID(nil, ""); err == nil {
		t.Error("empty key ID accepted")
	}

	// The text form (one key a line) still reads, and empty is empty.
	text := append(ssh.MarshalAuthorizedKey(f.revoked["key"]), "# comment\n\n"...)
	if rl, err := access.ParseRevocationList(text); err != nil || !rl.IsRevoked(f.revoked["key"]) {
		t.Errorf("text list: %v", err)
	}
	if rl, err := access.ParseRevocationList(nil); err != nil || rl.IsRevoked(f.sameKey) {
		t.Errorf("empty list: %v", err)
	}
	for name, bad := range map[string][]byte{
		"garbage":   []byte("not a key\n"),
		"truncated": content[:len(content)-3],
		"version":   append(append(append([]byte{}, content[:8]...), 0, 0, 0, 9), content[12:]...),
		"section":   append(append([]byte{}, content...), 0x04, 0, 0, 0, 0),
	} {
		if _, err := access.ParseRevocationList(bad); !errors.Is(err, access.ErrInvalidKRL) {
			t.Errorf("%s: err = %v; want ErrInvalidKRL", name, err)
		}
	}
}

// TestRevocationListSSHKeygen asks OpenSSH's own KRL reader (ssh-keygen -Q)
// about every key and certificate of the fixture.
func TestRevocationListSSHKeygen(t *testing.T) {
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen not installed (Debian package openssh-client)")
	}
	f := newKRLFixture(t)
	dir := t.TempDir()
	krl := filepath.Join(dir, "krl")
	if err := os.WriteFile(krl, f.rl.Content(), 0o600); err != nil {
		t.Fatal(err)
	}
	query := func(what string, k ssh.PublicKey) bool {
		p := filepath.Join(dir, strings.ReplaceAll(what, " ", "_")+".pub")
		if err := os.WriteFile(p, ssh.MarshalAuthorizedKey(k), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(keygen, "-Q", "-f", krl, p).CombinedOutput()
		switch {
		case strings.Contains(string(out), "REVOKED"):
			return true
		case err == nil && strings.Contains(string(out), "ok"):
			return false
		}
		t.Fatalf("ssh-keygen -Q on %s: %v: %s", what, err, out)
		return false
	}
	for what, k := range f.revoked {
		if !query(what, k) {
			t.Errorf("ssh-keygen: %s not revoked", what)
		}
	}
	for what, k := range f.kept {
		if query(what, k) {
			t.Errorf("ssh-keygen: %s revoked", what)
		}
	}
}

func FuzzParseRevocationList(f *testing.F) {
	rl := access.NewRevocationList()
	_ = rl.RevokeKeyID(nil, "x")
	f.Add(rl.Content())
	f.Add([]byte("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl x\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rl, err := access.ParseRevocationList(data)
		if err != nil {
			return
		}
		// Whatever parses writes a KRL that parses to the same bytes.
		c := rl.Content()
		again, err := access.ParseRevocationList(c)
		if err != nil {
			t.Fatalf("own output rejected: %v", err)
		}
		if !bytes.Equal(again.Content(), c) {
			t.Fatal("round trip changed the list")
		}
	})
}
