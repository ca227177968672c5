package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
	"golang.org/x/crypto/ssh"
)

// demoUsers are the demo team: name, teams, sudo, expiry.
var demoUsers = []struct {
	name, teams string
	sudo        bool
	expires     string
}{
	{"alice", "[backend]", true, ""},
	{"bob", "[dba]", false, ""},
	{"carol", "[backend]", false, "2020-01-31"}, // left: expired, never granted
}

// demoTeamFile is the demo team file with the given users' keys; users
// without a key are left out.
func demoTeamFile(keys map[string]ssh.PublicKey) string {
	var b strings.Builder
	b.WriteString("teams:\n  backend: {description: Backend engineers}\n  dba: {description: Database administrators}\nusers:\n")
	for _, u := range demoUsers {
		k, ok := keys[u.name]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "  - name: %s\n    teams: %s\n    keys: [%q]\n", u.name, u.teams,
			strings.TrimSpace(string(ssh.MarshalAuthorizedKey(k)))+" "+u.name+"@laptop")
		if u.sudo {
			b.WriteString("    sudo: true\n")
		}
		if u.expires != "" {
			fmt.Fprintf(&b, "    expires: %s\n", u.expires)
		}
	}
	b.WriteString("host_groups:\n  web: {teams: [backend]}\n  db: {teams: [backend, dba], sudo_teams: [dba]}\n")
	return b.String()
}

// demoWorld is three in-memory Debian hosts (web1, web2 in group web; db1
// in group db) and a team file with freshly generated keys. db1 carries
// known mistakes for the audit: password logins allowed and an account
// nobody declared with its own key.
func demoWorld(ctx context.Context) (*world, error) {
	keys := map[string]ssh.PublicKey{}
	for _, u := range demoUsers {
		pub, _, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, err
		}
		keys[u.name], _ = ssh.NewPublicKey(pub)
	}
	tf, err := access.ParseTeamFile(ctx, "demo-team.yaml", []byte(demoTeamFile(keys)), access.LoadOptions{})
	if err != nil {
		return nil, fmt.Errorf("demo team file: %w", err)
	}
	web1 := accessfake.New("web1", accessfake.Options{})
	web2 := accessfake.New("web2", accessfake.Options{})
	db1 := accessfake.New("db1", accessfake.Options{})
	db1.SetSSHD("passwordauthentication", "yes")
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	stray, _ := ssh.NewPublicKey(pub)
	db1.AddAccount("mallory", 1500, ssh.MarshalAuthorizedKey(stray))
	return &world{
		team: tf,
		targets: []access.Target{
			{Host: web1, Groups: []string{"web"}},
			{Host: web2, Groups: []string{"web"}},
			{Host: db1, Groups: []string{"db"}},
		},
		demo:  true,
		keys:  keys,
		close: func() {},
	}, nil
}
