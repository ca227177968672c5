package access_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access/sshhost"
	"github.com/opskit-dev/opskit/internal/testenv"
	"golang.org/x/crypto/ssh"
)

// testHost is a real SSH host in a container with opskit's SSH host over it.
type testHost struct {
	Host       *sshhost.Host
	Env        testenv.SSHHost
	KnownHosts string
}

// newSigner returns a fresh ed25519 signer and its authorized_keys line.
func newSigner(t testing.TB, comment string) (ssh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := ssh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(s.PublicKey()))) + " " + comment
}

// sshTestHosts starts n hosts, writes a known_hosts file for them and
// returns opskit hosts that verify host keys against it.
func sshTestHosts(t testing.TB, n int) []testHost {
	t.Helper()
	return sshTestHostsWith(t, n, testenv.SSHHostOptions{})
}

// sshTestHostsWith is sshTestHosts with another image or environment.
func sshTestHostsWith(t testing.TB, n int, opts testenv.SSHHostOptions) []testHost {
	t.Helper()
	signer, line := newSigner(t, "opskit-test-root")
	envs := testenv.SSHHostsWith(t, n, line, opts)
	var kh strings.Builder
	for _, e := range envs {
		kh.WriteString(e.KnownHosts())
	}
	path := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(path, []byte(kh.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	out := make([]testHost, n)
	for i, e := range envs {
		h, err := sshhost.New(e.Addr, sshhost.Config{KnownHostsFile: path, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		out[i] = testHost{Host: h, Env: e, KnownHosts: path}
	}
	return out
}
