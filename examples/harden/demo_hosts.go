package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"

	"golang.org/x/crypto/ssh"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
)

// demoHostTargets are two in-memory Debian hosts (accessfake): web1 with
// Debian 12's sshd defaults (which the audit still finds too permissive:
// forwarding, MACs, authentication attempts), and db1 worse off, with
// password logins, root login by password in a Match block, an account
// with UID 0, a key nobody declared, pending security updates and a
// pending reboot.
func demoHostTargets(ctx context.Context) []target {
	web1 := accessfake.New("web1", accessfake.Options{})
	db1 := accessfake.New("db1", accessfake.Options{})
	db1.SetSSHD("passwordauthentication", "yes")
	db1.SetSSHD("x11forwarding", "yes")
	db1.SetSSHD("maxauthtries", "10")
	db1.AddSSHDMatch(accessfake.MatchBlock{Addrs: []string{"10.0.0.0/8"}, Settings: map[string][]string{"permitrootlogin": {"yes"}}})
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	stray, _ := ssh.NewPublicKey(pub)
	db1.AddAccount("backup", 0, nil)
	db1.AddAccount("mallory", 1500, ssh.MarshalAuthorizedKey(stray))
	db1.SetPackages(true,
		accessfake.Package{Name: "openssl", Installed: "3.0.15-1~deb12u1", Candidate: "3.0.17-1~deb12u2", Origin: "Debian-Security:12/stable-security"},
		accessfake.Package{Name: "linux-image-amd64", Installed: "6.1.123-1", Candidate: "6.1.140-1", Origin: "Debian-Security:12/stable-security"},
		accessfake.Package{Name: "tzdata", Installed: "2024a-0+deb12u1", Candidate: "2025b-0+deb12u1", Origin: "Debian:12.11/stable"},
	)
	facts, _ := db1.Facts(ctx)
	if facts != nil {
		facts.RebootRequired = true
		facts.RebootPackages = []string{"linux-image-6.1.0-31-amd64"}
		db1.SetFacts(*facts)
	}
	return []target{
		hostTarget("ssh web1 (accessfake)", web1, access.HostAuditOptions{}),
		hostTarget("ssh db1 (accessfake)", db1, access.HostAuditOptions{}),
	}
}
