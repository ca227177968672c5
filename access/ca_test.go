package access_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"golang.org/x/crypto/ssh"
)

func certSigner(t *testing.T, ca *access.CA, req access.CertRequest, key ssh.Signer) ssh.AuthMethod {
	t.Helper()
	auth, _ := certAuth(t, ca, req, key)
	return auth
}

// certAuth issues a certificate for key and returns it with an auth method
// that presents it.
func certAuth(t *testing.T, ca *access.CA, req access.CertRequest, key ssh.Signer) (ssh.AuthMethod, *ssh.Certificate) {
	t.Helper()
	req.PublicKey = key.PublicKey()
	cert, err := ca.IssueUserCert(req)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewCertSigner(cert, key)
	if err != nil {
		t.Fatal(err)
	}
	return ssh.PublicKeys(s), cert
}

func TestCertificateRequests(t *testing.T) {
	ca, pemKey, err := access.GenerateCA("opskit-test-ca", access.CAOptions{MaxTTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(pemKey), "OPENSSH PRIVATE KEY") {
		t.Fatal("CA key is not in OpenSSH PEM form")
	}
	user, _ := newSigner(t, "u")
	for name, req := range map[string]access.CertRequest{
		"no principals":   {PublicKey: user.PublicKey()},
		"empty principal": {PublicKey: user.PublicKey(), Principals: []string{""}},
		"comma principal": {PublicKey: user.PublicKey(), Principals: []string{"a,b"}},
		"ttl over max":    {PublicKey: user.PublicKey(), Principals: []string{"a"}, TTL: 2 * time.Hour},
		"bad source":      {PublicKey: user.PublicKey(), Principals: []string{"a"}, SourceAddresses: []string{"10.0.0.0/33"}},
		"no key":          {Principals: []string{"a"}},
	} {
		if _, err := ca.IssueUserCert(req); !errors.Is(err, access.ErrCertRequest) {
			t.Errorf("%s: err = %v; want ErrCertRequest", name, err)
		}
	}
	cert, err := ca.IssueUserCert(access.CertRequest{PublicKey: user.PublicKey(), KeyID: "alice@test", Principals: []string{"alice"}, TTL: 10 * time.Minute, SourceAddresses: []string{"127.0.0.1/32"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Unix(int64(cert.ValidBefore), 0); time.Until(got) > 11*time.Minute || time.Until(got) < 9*time.Minute {
		t.Errorf("ValidBefore %v; want about 10 minutes from now", got)
	}
	if cert.CriticalOptions["source-address"] != "127.0.0.1/32" || cert.KeyId != "alice@test" {
		t.Errorf("cert options %v id %q", cert.CriticalOptions, cert.KeyId)
	}
	rl := access.NewRevocationList()
	if err := ca.CheckUserCert(cert, "alice", rl); err != nil {
		t.Errorf("valid cert: %v", err)
	}
	if err := ca.CheckUserCert(cert, "bob", rl); err == nil {
		t.Error("cert accepted for another principal")
	}
	rl.Revoke(user.PublicKey())
	if err := ca.CheckUserCert(cert, "alice", rl); err == nil {
		t.Error("revoked cert accepted")
	}
	back, err := access.ParseRevocationList(rl.Content())
	if err != nil || !back.IsRevoked(user.PublicKey()) {
		t.Errorf("revocation list read back: %v, revoked=%v", err, err == nil && back.IsRevoked(user.PublicKey()))
	}
}

// dialRetry logs in, retrying briefly while sshd restarts after a reload.
func dialRetry(h testHost, user string, auth ssh.AuthMethod) (string, error) {
	var out string
	var err error
	for i := 0; i < 30; i++ {
		out, err = loginAs(h, user, auth, "id -un")
		if err == nil || !strings.Contains(err.Error(), "connection refused") {
			return out, err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return out, err
}

func TestCertificateLogin(t *testing.T) {
	hosts := sshTestHosts(t, 1)
	h := hosts[0]
	ctx := context.Background()
	caKey, _ := newSigner(t, "opskit-test-ca")
	ca, err := access.NewCA(caKey, access.CAOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rl := access.NewRevocationList()
	res, err := h.Host.Apply(ctx, []access.Op{
		ca.TrustOp(),
		rl.Op(),
		{Kind: access.OpEnsureUser, User: "carol", Shell: "/bin/bash"},
		access.PrincipalsOp("carol", "carol", "oncall"),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil {
			t.Fatalf("%s: %v", r.Op, r.Err)
		}
	}
	key, _ := newSigner(t, "carol")
	key2, _ := newSigner(t, "carol-2")
	valid := access.CertRequest{KeyID: "carol@test", Principals: []string{"oncall"}, TTL: 5 * time.Minute, SourceAddresses: []string{"127.0.0.1/32"}}
	if out, err := dialRetry(h, "carol", certSigner(t, ca, valid, key)); err != nil || out != "carol" {
		t.Fatalf("login with a valid certificate: %q %v", out, err)
	}
	if _, err := dialRetry(h, "carol", ssh.PublicKeys(key)); err == nil {
		t.Fatal("the bare key logged in without a certificate")
	}
	if _, err := dialRetry(h, "root", certSigner(t, ca, valid, key)); err == nil {
		t.Fatal("carol's certificate logged in as root")
	}
	wrong := valid
	wrong.Principals = []string{"mallory"}
	if _, err := dialRetry(h, "carol", certSigner(t, ca, wrong, key)); err == nil {
		t.Fatal("a certificate for another principal logged in")
	}
	elsewhere := valid
	elsewhere.SourceAddresses = []string{"10.9.9.9/32"}
	if _, err := dialRetry(h, "carol", certSigner(t, ca, elsewhere, key)); err == nil {
		t.Fatal("a certificate bound to another source address logged in")
	}
	past, _ := access.NewCA(caKey, access.CAOptions{Now: func() time.Time { return time.Now().Add(-2 * time.Hour) }})
	if _, err := dialRetry(h, "carol", certSigner(t, past, access.CertRequest{Principals: []string{"carol"}, TTL: time.Hour}, key)); err == nil {
		t.Fatal("an expired certificate logged in")
	}
	other, _, _ := access.GenerateCA("other-ca", access.CAOptions{})
	if _, err := dialRetry(h, "carol", certSigner(t, other, valid, key)); err == nil {
		t.Fatal("a certificate from an untrusted CA logged in")
	}
	// One certificate revoked by serial stops; another certificate of the
	// same key keeps working.
	authA, certA := certAuth(t, ca, valid, key)
	authB, _ := certAuth(t, ca, valid, key)
	if err := rl.RevokeCertificate(certA); err != nil {
		t.Fatal(err)
	}
	// Every certificate with a revoked key ID stops, whoever the CA.
	tempReq := valid
	tempReq.KeyID = "contractor@test"
	authTemp, _ := certAuth(t, ca, tempReq, key2)
	if err := rl.RevokeKeyID(nil, "contractor@test"); err != nil {
		t.Fatal(err)
	}
	if res, err := h.Host.Apply(ctx, []access.Op{rl.Op()}); err != nil || res[0].Err != nil {
		t.Fatalf("install KRL: %v %v", err, res)
	}
	if _, err := dialRetry(h, "carol", authA); err == nil {
		t.Fatal("a certificate revoked by serial logged in")
	}
	if out, err := dialRetry(h, "carol", authB); err != nil || out != "carol" {
		t.Fatalf("the same key's other certificate after a serial revocation: %q %v", out, err)
	}
	if _, err := dialRetry(h, "carol", authTemp); err == nil {
		t.Fatal("a certificate with a revoked key ID logged in")
	}

	// Emergency: revoke the key; its still-valid certificate stops working,
	// another key's certificate keeps working.
	rl.Revoke(key.PublicKey())
	if res, err := h.Host.Apply(ctx, []access.Op{rl.Op()}); err != nil || res[0].Err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if _, err := dialRetry(h, "carol", certSigner(t, ca, valid, key)); err == nil {
		t.Fatal("a revoked key's certificate logged in")
	}
	if out, err := dialRetry(h, "carol", certSigner(t, ca, valid, key2)); err != nil || out != "carol" {
		t.Fatalf("another key after the revocation: %q %v", out, err)
	}
}
