package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/e2e"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestAccessE2E builds the access program and runs it as a process: on the
// demo world (checking what it says), with a bad inventory (exit 2 naming
// the field and line), and against two real SSH hosts: grant, log in as
// the granted user with their key, revoke, login refused.
func TestAccessE2E(t *testing.T) {
	bin := e2e.Build(t)

	t.Run("demo", func(t *testing.T) {
		r := e2e.Run(t, 30*time.Second, bin, nil)
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{
			"== grant again: nothing left to do\n  web1     no change\n  web2     no change\n  db1      no change",
			"db1      1 change applied\n             bob: remove user",
			"access.host.sshd.password_authentication",
			"access.host.authorized_keys.undeclared",
			"sshd would refuse \"alice@laptop\": true; \"alice@ci\": false",
			"db1      install revocation list",
		} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("demo output lacks %q:\n%s", want, r.Stdout)
			}
		}
		if strings.Contains(r.Stdout+r.Stderr, "PRIVATE KEY") {
			t.Error("demo printed a private key")
		}
		t.Logf("default run: %s", r.Took)
	})

	t.Run("audit-fail-on", func(t *testing.T) {
		r := e2e.Run(t, 30*time.Second, bin, nil, "audit", "--fail-on", "high", "--format", "sarif")
		if r.Code != 1 || !strings.Contains(r.Stdout, `"ruleId": "access.host.sshd.password_authentication"`) {
			t.Fatalf("exit %d (want 1)\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("bad-inventory", func(t *testing.T) {
		dir := t.TempDir()
		inv := filepath.Join(dir, "hosts.yaml")
		writeFile(t, filepath.Join(dir, "team.yaml"), "host_groups:\n  web: {}\n")
		writeFile(t, inv, "team_file: team.yaml\nhosts:\n  - name: web1\n    adress: 127.0.0.1:22\n    groups: [web]\n  - address: 127.0.0.1:23\n    groups: [db]\n")
		r := e2e.Run(t, 30*time.Second, bin, nil, "grant", "--inventory", inv, "--identity", inv)
		if r.Code != 2 {
			t.Fatalf("exit %d (want 2)\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{inv + ":4: hosts[0].adress: unknown field", inv + ":7: hosts[1].groups[0]: unknown host group \"db\""} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
			}
		}
	})

	t.Run("cert-krl", func(t *testing.T) {
		dir := t.TempDir()
		ca := filepath.Join(dir, "ca")
		if r := e2e.Run(t, 30*time.Second, bin, nil, "cert", "--new-ca", ca); r.Code != 0 || strings.Contains(r.Stdout, "PRIVATE KEY") {
			t.Fatalf("new-ca: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		if r := e2e.Run(t, 30*time.Second, bin, nil, "cert", "--new-ca", ca); r.Code != 2 {
			t.Fatalf("new-ca over an existing key: exit %d (want 2)\n%s", r.Code, r.Stderr)
		}
		_, line := newKey(t, dir, "alice")
		writeFile(t, filepath.Join(dir, "alice.pub"), line+" alice@laptop\n")
		r := e2e.Run(t, 30*time.Second, bin, nil, "cert", "--ca-key", ca, "--key", filepath.Join(dir, "alice.pub"), "--principal", "alice", "--ttl", "1h")
		if r.Code != 0 || !strings.Contains(r.Stdout, `certificate "alice@laptop"`) {
			t.Fatalf("cert: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		certFile := filepath.Join(dir, "alice-cert.pub")
		k, err := readPublicKey(certFile)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := k.(*ssh.Certificate)
		caPub, _ := readPublicKey(ca + ".pub")
		if !ok || c.ValidPrincipals[0] != "alice" || string(c.SignatureKey.Marshal()) != string(caPub.Marshal()) || time.Until(time.Unix(int64(c.ValidBefore), 0)) > time.Hour+time.Minute {
			t.Fatalf("certificate %+v", c)
		}
		if r := e2e.Run(t, 30*time.Second, bin, nil, "cert", "--ca-key", ca, "--key", filepath.Join(dir, "alice.pub"), "--principal", "alice", "--ttl", "48h"); r.Code != 2 {
			t.Fatalf("cert beyond --max-ttl: exit %d (want 2)\n%s", r.Code, r.Stderr)
		}
		krlFile := filepath.Join(dir, "revoked")
		r = e2e.Run(t, 30*time.Second, bin, nil, "krl", "--out", krlFile, "--revoke-cert", certFile)
		if r.Code != 0 {
			t.Fatalf("krl: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		data, _ := os.ReadFile(krlFile)
		rl, err := access.ParseRevocationList(data)
		if err != nil || !rl.IsRevoked(c) {
			t.Fatalf("revocation list does not revoke the certificate: %v", err)
		}
	})

	t.Run("ssh", func(t *testing.T) {
		dir := t.TempDir()
		rootKey, rootLine := newKey(t, dir, "root")
		hosts := testenv.SSHHosts(t, 2, rootLine)
		aliceKey, aliceLine := newKey(t, dir, "alice")
		var kh, inv strings.Builder
		inv.WriteString("team_file: team.yaml\nssh:\n  known_hosts: known_hosts\n  identity_file: " + rootKey + "\nhosts:\n")
		for i, h := range hosts {
			kh.WriteString(h.KnownHosts())
			fmt.Fprintf(&inv, "  - {name: host%d, address: %q, groups: [web]}\n", i+1, h.Addr)
		}
		writeFile(t, filepath.Join(dir, "known_hosts"), kh.String())
		// known_hosts relative to the working directory: the program runs there.
		writeFile(t, filepath.Join(dir, "hosts.yaml"), strings.Replace(inv.String(), "known_hosts: known_hosts", "known_hosts: "+filepath.Join(dir, "known_hosts"), 1))
		writeFile(t, filepath.Join(dir, "team.yaml"), "teams:\n  backend: {}\nusers:\n  - name: alice\n    teams: [backend]\n    keys: [\""+aliceLine+" alice@laptop\"]\nhost_groups:\n  web: {teams: [backend]}\n")

		r := e2e.Run(t, 3*time.Minute, bin, nil, "grant", "--inventory", filepath.Join(dir, "hosts.yaml"))
		if r.Code != 0 {
			t.Fatalf("grant: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		t.Logf("real grant on 2 hosts: %s\n%s", r.Took, r.Stdout)
		signer := loadSigner(t, aliceKey)
		for _, h := range hosts {
			if out, err := login(h, dir, signer); err != nil || out != "alice" {
				t.Fatalf("%s: login as alice after grant: %q, %v", h.Addr, out, err)
			}
		}
		r2 := e2e.Run(t, 3*time.Minute, bin, nil, "revoke", "--inventory", filepath.Join(dir, "hosts.yaml"), "alice")
		if r2.Code != 0 {
			t.Fatalf("revoke: exit %d\n%s\n%s", r2.Code, r2.Stdout, r2.Stderr)
		}
		t.Logf("real revoke on 2 hosts: %s", r2.Took)
		for _, h := range hosts {
			if out, err := login(h, dir, signer); err == nil {
				t.Fatalf("%s: login as alice after revoke succeeded: %q", h.Addr, out)
			} else if !strings.Contains(err.Error(), "unable to authenticate") {
				t.Fatalf("%s: login after revoke failed for another reason: %v", h.Addr, err)
			}
		}
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// newKey writes a new ed25519 private key to dir/name and returns its path
// and public key line.
func newKey(t *testing.T, dir, name string) (string, string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	writeFile(t, path, string(pem.EncodeToMemory(block)))
	sp, _ := ssh.NewPublicKey(pub)
	return path, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp)))
}

func loadSigner(t *testing.T, path string) ssh.Signer {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// login logs in to h as alice with signer and returns `id -un`.
func login(h testenv.SSHHost, dir string, signer ssh.Signer) (string, error) {
	cb, err := knownhosts.New(filepath.Join(dir, "known_hosts"))
	if err != nil {
		return "", err
	}
	c, err := ssh.Dial("tcp", h.Addr, &ssh.ClientConfig{User: "alice", Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}, HostKeyCallback: cb, Timeout: 10 * time.Second})
	if err != nil {
		return "", err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() { <-ctx.Done(); c.Close() }()
	out, err := s.Output("id -un")
	return strings.TrimSpace(string(out)), err
}
