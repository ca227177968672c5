package teamvault_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets/teamvault"
	"golang.org/x/crypto/ssh"
)

// key is a member's SSH key pair for tests.
type key struct {
	line string       // authorized_keys line
	pem  []byte       // OpenSSH private key file
	id   age.Identity // parsed by teamvault.ParseIdentity
	fp   string
}

func newKey(t testing.TB, typ string) key {
	t.Helper()
	var priv crypto.Signer
	var err error
	switch typ {
	case "ed25519":
		_, priv, err = ed25519.GenerateKey(rand.Reader)
	case "rsa2048":
		priv, err = rsa.GenerateKey(rand.Reader, 2048)
	case "rsa1024":
		priv, err = rsa.GenerateKey(rand.Reader, 1024)
	case "ecdsa":
		priv, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	default:
		t.Fatalf("key type %s", typ)
	}
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	k := key{line: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))), pem: pem.EncodeToMemory(block), fp: ssh.FingerprintSHA256(pub)}
	if typ != "ecdsa" && typ != "rsa1024" {
		if k.id, err = teamvault.ParseIdentity(k.pem); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

// member is one user of a generated team file.
type member struct {
	name  string
	teams []string
	keys  []key
}

func teamYAML(members ...member) string {
	var b strings.Builder
	b.WriteString("teams:\n  ops:\n  dba:\n    description: database admins\nusers:\n")
	for _, m := range members {
		b.WriteString("  - name: " + m.name + "\n    shell: /bin/bash\n    teams: [" + strings.Join(m.teams, ", ") + "]\n    keys:\n")
		for _, k := range m.keys {
			b.WriteString("      - " + k.line + " " + m.name + "@laptop\n")
		}
	}
	return b.String()
}

const vaultYAML = `team_file: team.yaml
entries:
  - match: db/**
    teams: [dba]
  - match: web/**
    teams: [ops]
`

func writeFile(t testing.TB, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustOpen(t testing.TB, dir string) *teamvault.Vault {
	t.Helper()
	v, err := teamvault.Open(dir, teamvault.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// snapshot returns every file under dir with its contents.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.Walk(filepath.Join(dir, teamvault.EntriesDir), func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ageCLI returns the path of Debian's age, failing or skipping as
// testenv does for a missing service.
func ageCLI(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("age")
	if err != nil {
		testenv.Unavailable(t, "age CLI (Debian package age)", err)
	}
	return p
}

// ageDecrypt runs `age -d -i keyfile` on the armored file at path.
func ageDecrypt(t testing.TB, k key, path string) (string, error) {
	t.Helper()
	keyFile := filepath.Join(t.TempDir(), "id")
	if err := os.WriteFile(keyFile, k.pem, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ageCLI(t), "-d", "-i", keyFile, path).CombinedOutput()
	return string(out), err
}
