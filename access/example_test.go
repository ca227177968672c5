package access_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"log"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
	"github.com/opskit-dev/opskit/access/sshhost"
	"golang.org/x/crypto/ssh"
)

const exampleTeam = `teams:
  backend: {description: Backend engineers}
  dba: {}
users:
  - name: alice
    teams: [backend]
    sudo: true
    keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA11atLoaVLgjdaq9k+DDlfJ0ibnxoU+ljzJ1cAPhQ2W alice@laptop
  - name: bob
    teams: [dba]
    expires: 2099-06-30
    keys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuoKtSwHRubGh4GeRgy+4KV6JQJS5bAytDFmabzRAMf bob@laptop
host_groups:
  web: {teams: [backend]}
  # dba members get sudo on the database hosts only.
  db: {teams: [backend, dba], sudo_teams: [dba]}
`

func ExampleParseTeamFile() {
	ctx := context.Background()
	tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(exampleTeam), access.LoadOptions{
		// github:USER keys would be fetched (and cached) through this.
		Fetcher: access.NewGitHubKeys(access.GitHubOptions{}),
	})
	if err != nil {
		log.Fatal(err)
	}
	grants, _ := tf.GrantsFor([]string{"db"}, time.Now())
	for _, g := range grants {
		fmt.Println(g.User.Name, g.User.Keys[0].Comment, "sudo:", g.Sudo)
	}

	// Errors name the file, line, user and field.
	_, err = access.ParseTeamFile(ctx, "team.yaml", []byte("users:\n  - name: Eve\n    keys: ['command=\"sh\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA11atLoaVLgjdaq9k+DDlfJ0ibnxoU+ljzJ1cAPhQ2W']\n"), access.LoadOptions{})
	fmt.Println(err)
	// Output:
	// alice alice@laptop sudo: true
	// bob bob@laptop sudo: true
	// access: team.yaml:2: user "Eve": name: invalid user name: "Eve": character 1 ('E', U+0045) not allowed; want [a-z_][a-z0-9_-]*
	// access: team.yaml:3: user "Eve": key 1: key options are not allowed: command="sh"
}

func ExampleProvisioner_Grant() {
	ctx := context.Background()
	tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(exampleTeam), access.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	// Fake hosts here; sshhost.New gives real ones.
	web, db := accessfake.New("web1", accessfake.Options{}), accessfake.New("db1", accessfake.Options{})
	targets := []access.Target{{Host: web, Groups: []string{"web"}}, {Host: db, Groups: []string{"db"}}}
	p, err := access.NewProvisioner(access.Options{Concurrency: 32, HostTimeout: time.Minute})
	if err != nil {
		log.Fatal(err)
	}
	plan, _ := p.Plan(ctx, tf, targets)
	for _, c := range plan.Hosts[0].Changes {
		fmt.Println("web1 plan:", c)
	}
	res, _ := p.Grant(ctx, tf, targets)
	fmt.Print(res.Summary())
	res, _ = p.Grant(ctx, tf, targets)
	fmt.Print(res.Summary())
	if err := res.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// web1 plan: make sshd read managed users' keys from /etc/ssh/opskit_authorized_keys
	// web1 plan: alice: create user
	// web1 plan: alice: write /etc/ssh/opskit_authorized_keys/alice
	// web1 plan: alice: install sudoers drop-in
	// web1: 4 changes applied
	// db1: 7 changes applied
	// web1: no change
	// db1: no change
}

func ExampleProvisioner_Revoke() {
	ctx := context.Background()
	tf, _ := access.ParseTeamFile(ctx, "team.yaml", []byte(exampleTeam), access.LoadOptions{})
	db := accessfake.New("db1", accessfake.Options{})
	targets := []access.Target{{Host: db, Groups: []string{"db"}}}
	p, _ := access.NewProvisioner(access.Options{})
	if _, err := p.Grant(ctx, tf, targets); err != nil {
		log.Fatal(err)
	}
	res, _ := p.Revoke(ctx, []string{"bob"}, targets)
	fmt.Print(res.Summary())
	st, _ := db.Snapshot(ctx, access.SnapshotOptions{})
	fmt.Println("bob present:", st.Account("bob") != nil)
	// Output:
	// db1: 1 changes applied
	// bob present: false
}

func ExampleCA_IssueUserCert() {
	ca, caPEM, err := access.GenerateCA("opskit user CA", access.CAOptions{MaxTTL: 12 * time.Hour})
	if err != nil {
		log.Fatal(err)
	}
	_ = caPEM // keep the CA key in a secret store
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	userKey, _ := ssh.NewPublicKey(pub)
	cert, err := ca.IssueUserCert(access.CertRequest{
		PublicKey:       userKey,
		KeyID:           "alice@laptop INC-1234",
		Principals:      []string{"alice"},
		TTL:             time.Hour,
		SourceAddresses: []string{"10.0.0.0/8"},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(cert.ValidPrincipals, cert.CriticalOptions["source-address"])
	// Hosts trust the CA, map principals to accounts and refuse revoked keys.
	rl := access.NewRevocationList()
	ops := []access.Op{ca.TrustOp(), access.PrincipalsOp("alice", "alice"), rl.Op()}
	fmt.Println(ops[0].Kind, ops[1].Kind, ops[2].Kind)
	fmt.Println(ca.CheckUserCert(cert, "alice", rl) == nil)
	// Output:
	// [alice] 10.0.0.0/8
	// trustca principals revoked
	// true
}

func ExampleRevocationList() {
	ca, _, _ := access.GenerateCA("opskit user CA", access.CAOptions{})
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	userKey, _ := ssh.NewPublicKey(pub)
	laptop, _ := ca.IssueUserCert(access.CertRequest{PublicKey: userKey, KeyID: "alice@laptop", Principals: []string{"alice"}})
	ci, _ := ca.IssueUserCert(access.CertRequest{PublicKey: userKey, KeyID: "alice@ci", Principals: []string{"alice"}})

	rl := access.NewRevocationList()
	// The laptop was stolen: that one certificate stops, by serial.
	if err := rl.RevokeCertificate(laptop); err != nil {
		log.Fatal(err)
	}
	fmt.Println("laptop:", rl.IsRevoked(laptop), "ci:", rl.IsRevoked(ci))
	// Every certificate ever issued for an identity, by key ID.
	_ = rl.RevokeKeyID(ca.PublicKey(), "alice@ci")
	fmt.Println("ci:", rl.IsRevoked(ci))

	// rl.Op() installs it as sshd's RevokedKeys; a host's copy reads back.
	back, err := access.ParseRevocationList(rl.Content())
	fmt.Println(err, back.IsRevoked(laptop), back.Version())
	// Output:
	// laptop: true ci: false
	// ci: true
	// <nil> true 2
}

func ExampleAuditHost() {
	h := accessfake.New("web1", accessfake.Options{Facts: access.HostFacts{PackageLists: true}})
	h.SetSSHD("PasswordAuthentication", "yes")
	findings, err := access.AuditHost(context.Background(), h, access.HostAuditOptions{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range findings {
		if f.Status == access.StatusFail && f.Severity >= access.SeverityHigh {
			fmt.Println(f.CheckID, f.Evidence)
		}
	}
	// Output:
	// access.host.sshd.password_authentication is yes
}

func Example_auditHostOverSSH() {
	signer, _ := ssh.ParsePrivateKey(nil) // load your key here
	h, err := sshhost.New("db1.example.com:22", sshhost.Config{
		KnownHostsFile: "/home/ops/.ssh/known_hosts",
		Auth:           []ssh.AuthMethod{ssh.PublicKeys(signer)},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer h.Close()
	tf, _ := access.LoadTeamFile(context.Background(), "team.yaml", access.LoadOptions{})
	findings, err := access.AuditHost(context.Background(), h, access.HostAuditOptions{TeamFile: tf})
	if err != nil {
		log.Fatal(err)
	}
	report := &access.Report{Target: h.Name(), Findings: findings}
	_ = report // write with the audit writers: table, JSON, SARIF, JUnit
}

// A host audit report written as SARIF through the access package's own
// names: only failures and check errors become results, each at a stable
// location for its resource, and the exit code gates CI.
func ExampleReport_WriteSARIF() {
	root := access.Check{ID: "access.host.sshd.permit_root_login", Title: "sshd permits root login", Severity: access.SeverityHigh}
	updates := access.Check{ID: "access.host.security_updates", Title: "security updates are pending", Severity: access.SeverityHigh}
	r := &access.Report{
		Tool:   access.Tool{Name: "opskit", Version: "0.1.0"},
		Name:   "access.host",
		Target: "web1",
		Findings: []access.Finding{
			root.Fail("host web1 sshd permitrootlogin", "PermitRootLogin yes"),
			updates.Errored("", fmt.Errorf("no apt package lists")),
			access.Check{ID: "access.host.sshd.x11_forwarding", Title: "sshd allows X11 forwarding", Severity: access.SeverityLow}.Pass("host web1 sshd x11forwarding"),
		},
	}
	r.Sort()
	var sarif bytes.Buffer
	if err := r.WriteSARIF(&sarif, access.SARIFOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	printSARIF(sarif.Bytes())
	fmt.Println("exit code:", r.ExitCode(access.SeverityHigh))
	// Output:
	// automationDetails.id: access.host/web1/
	// open access.host.security_updates opskit/web1:1
	// fail access.host.sshd.permit_root_login opskit/host%20web1%20sshd%20permitrootlogin:1
	// exit code: 2
}

// printSARIF prints what a code-scanning upload keys on: the run's
// automationDetails.id, then each result's rule and physical location.
func printSARIF(log []byte) {
	var doc struct {
		Runs []struct {
			AutomationDetails struct{ ID string }
			Results           []struct {
				RuleID    string
				Kind      string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(log, &doc); err != nil {
		fmt.Println(err)
		return
	}
	for _, run := range doc.Runs {
		fmt.Println("automationDetails.id:", run.AutomationDetails.ID)
		for _, res := range run.Results {
			loc := res.Locations[0].PhysicalLocation
			fmt.Printf("%s %s %s:%d\n", res.Kind, res.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine)
		}
	}
}

func ExampleUserData() {
	tf, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(exampleTeam), access.LoadOptions{})
	if err != nil {
		log.Fatal(err)
	}
	// Base64 it for ec2.RunInstancesInput.UserData or a launch template.
	ud, err := access.UserData(tf, []string{"db"}, access.UserDataOptions{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(ud))
	// Output:
	// #cloud-config
	// # opskit: the team's access at first boot; opskit grants and revokes manage it afterwards
	// bootcmd:
	//   - - groupadd
	//     - -r
	//     - -f
	//     - opskit-keys
	// write_files:
	//   - path: /etc/ssh/sshd_config.d/opskit-keys.conf
	//     owner: root:root
	//     permissions: "0644"
	//     content: |
	//       # managed by opskit: keys of opskit-keys members are root-owned
	//       Match Group opskit-keys
	//       	AuthorizedKeysFile /etc/ssh/opskit_authorized_keys/%u
	//   - path: /etc/ssh/opskit_authorized_keys/alice
	//     owner: root:root
	//     permissions: "0644"
	//     content: |
	//       # managed by opskit: changes here are overwritten
	//       ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA11atLoaVLgjdaq9k+DDlfJ0ibnxoU+ljzJ1cAPhQ2W alice@laptop
	//   - path: /etc/sudoers.d/opskit-alice
	//     owner: root:root
	//     permissions: "0440"
	//     content: |
	//       # managed by opskit
	//       alice ALL=(ALL:ALL) NOPASSWD: ALL
	//   - path: /etc/ssh/opskit_authorized_keys/bob
	//     owner: root:root
	//     permissions: "0644"
	//     content: |
	//       # managed by opskit: changes here are overwritten
	//       ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGuoKtSwHRubGh4GeRgy+4KV6JQJS5bAytDFmabzRAMf bob@laptop
	//   - path: /etc/sudoers.d/opskit-bob
	//     owner: root:root
	//     permissions: "0440"
	//     content: |
	//       # managed by opskit
	//       bob ALL=(ALL:ALL) NOPASSWD: ALL
	// users:
	//   - name: alice
	//     gecos: opskit
	//     shell: /bin/bash
	//     groups:
	//       - opskit-keys
	//     lock_passwd: false
	//     hashed_passwd: '*'
	//   - name: bob
	//     gecos: opskit
	//     shell: /bin/bash
	//     groups:
	//       - opskit-keys
	//     expiredate: "2099-06-30"
	//     lock_passwd: false
	//     hashed_passwd: '*'
	// no_ssh_fingerprints: true
}
