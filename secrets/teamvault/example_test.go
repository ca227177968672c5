package teamvault_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/teamvault"
	"golang.org/x/crypto/ssh"
)

// exampleKey makes an ed25519 key pair: the authorized_keys line for the
// team file and the private key file a member would keep in ~/.ssh.
func exampleKey() (line string, private []byte) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	sshPub, _ := ssh.NewPublicKey(pub)
	block, _ := ssh.MarshalPrivateKey(priv, "")
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub))), pem.EncodeToMemory(block)
}

// A vault shared by a team: bob leaves, the entries he could read are
// re-encrypted without him, and the result says which passwords to rotate.
func Example() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "vault")
	defer os.RemoveAll(dir)

	aliceKey, alicePrivate := exampleKey()
	bobKey, _ := exampleKey()
	team := `teams:
  ops:
  dba:
users:
  - name: alice
    teams: [ops, dba]
    keys: [` + aliceKey + `]
  - name: bob
    teams: [dba]
    keys: [` + bobKey + `]
`
	os.WriteFile(filepath.Join(dir, "team.yaml"), []byte(team), 0o644)
	os.WriteFile(filepath.Join(dir, "vault.yaml"), []byte(`team_file: team.yaml
entries:
  - match: db/**
    teams: [dba]
  - match: web/**
    teams: [ops]
`), 0o644)

	v, err := teamvault.Open(dir, teamvault.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	v.Put(ctx, "db/prod", secrets.NewValue([]byte("pr0d-pw")))
	v.Put(ctx, "web/api-token", secrets.NewValue([]byte("t0ken")))
	readers, _ := v.Readers("db/prod")
	fmt.Println("db/prod readers:", readers[0].Member, readers[1].Member)

	// bob leaves the team file; open again and sync.
	os.WriteFile(filepath.Join(dir, "team.yaml"), []byte(strings.Split(team, "  - name: bob")[0]), 0o644)
	v, _ = teamvault.Open(dir, teamvault.Options{})
	alice, _ := teamvault.ParseIdentity(alicePrivate)
	res, err := v.Sync(ctx, alice)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("re-encrypted:", res.Changed[0].Entry, "unchanged:", res.Unchanged)
	for _, r := range res.Revoked {
		fmt.Println("rotate, readable by", r.Member, "in git history:", r.Entries)
	}
	pw, _ := v.Get(ctx, "db/prod", alice)
	fmt.Println("alice reads db/prod:", pw.Reveal(), "printed:", pw)
	// Output:
	// db/prod readers: alice bob
	// re-encrypted: db/prod unchanged: 1
	// rotate, readable by bob in git history: [db/prod]
	// alice reads db/prod: pr0d-pw printed: [REDACTED]
}
