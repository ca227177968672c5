package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/ssh"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/e2e"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestHardenE2E builds harden and runs it as a process: on the demo world
// (every kind of finding, every format, the exit codes), with a bad config
// (exit 2 naming field and line), with an unreachable target (exit 3, the
// report naming it), and against the real PostgreSQL, Docker engine, an
// SSH host, moto, a TLS server and files, misconfigured (the findings
// appear) and then fixed (they pass).
func TestHardenE2E(t *testing.T) {
	bin := e2e.Build(t)

	t.Run("demo", func(t *testing.T) {
		r := e2e.Run(t, time.Minute, bin, nil)
		if r.Code != 1 || !strings.Contains(r.Stderr, "finding(s) at or above high") {
			t.Fatalf("exit %d (want 1: findings at or above high)\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{
			"auditing 12 targets:",
			// PostgreSQL, self-managed and on RDS (n/a with the reason).
			"database.pg_hba.trust postgres db1:5432/shop /etc/postgresql/15/main/pg_hba.conf:127",
			"not applicable: RDS writes pg_hba.conf itself",
			"database.rds.no_public_access",
			// A check that could not decide.
			"check error: stat /etc/postgresql/15/main/postgresql.conf: permission denied",
			// Docker daemon, containers and an image.
			"fail access.container.privileged container legacy-worker",
			"access.docker.userns_remap",
			"secrets.lint.image.history image shop/api:1.4 history 1",
			// SSH hosts.
			"fail access.host.sshd.password_authentication host db1",
			"access.host.users.extra_uid0 host db1",
			// Security groups and load balancers.
			"access.network.sg.open_ssh security group sg-0bastion (bastion)",
			"scaling.elb.no_waf_sqli",
			// Deployment files.
			"secrets.lint.dockerfile.env demo-repo/Dockerfile:3",
			"secrets.lint.compose.environment demo-repo/docker-compose.yml:6",
			"secrets.lint.envfile.value demo-repo/.env:2",
			// TLS endpoints.
			"secrets.certs.tls.protocol",
			"secrets.certs.tls.key",
			// Waivers: one applied, one expired.
			"waived access.host.sshd.tcp_forwarding host web1",
			"waiver expired on",
		} {
			if !strings.Contains(squeeze(r.Stdout), want) {
				t.Errorf("demo output lacks %q", want)
			}
		}
		// Passed and not-applicable findings are counted, not listed,
		// unless --passes asks for their rows.
		if strings.Contains(squeeze(r.Stdout), "pass access.container.privileged container shop-api") {
			t.Errorf("the default table lists passed findings:\n%s", r.Stdout)
		}
		all := e2e.Run(t, time.Minute, bin, nil, "--passes")
		for _, want := range []string{"pass access.container.privileged container shop-api", "n/a database.pg_hba.trust"} {
			if !strings.Contains(squeeze(all.Stdout), want) {
				t.Errorf("--passes output lacks %q", want)
			}
		}
		for _, secret := range []string{demoPassword, demoNPMToken, "AKIA" + strings.Repeat("DEMO", 4)} {
			if strings.Contains(r.Stdout+r.Stderr, secret) {
				t.Errorf("demo printed a secret value %q", secret)
			}
		}
		if r.Took > 10*time.Second {
			t.Errorf("demo took %s; want seconds", r.Took)
		}
		t.Logf("default run: %s", r.Took)
	})

	t.Run("formats", func(t *testing.T) {
		r := e2e.Run(t, time.Minute, bin, nil, "--format", "json", "--fail-on", "none")
		rep, err := access.ReadJSON(strings.NewReader(r.Stdout))
		if r.Code != 0 || err != nil {
			t.Fatalf("json: exit %d (want 0 with --fail-on none), %v\n%s", r.Code, err, r.Stderr)
		}
		s := rep.Summary()
		if s.Fail < 100 || s.Pass < 100 || s.Error != 1 || s.Waived != 1 || s.NotApplicable < 10 {
			t.Errorf("json summary %+v: want >100 fail and pass, 1 error, 1 waived, >10 n/a", s)
		}
		// What the demo does right passes: the fixed Dockerfile, the
		// hardened container, the good TLS endpoint, web1's sshd.
		for _, f := range rep.Findings {
			if f.Failing() && (strings.HasPrefix(f.Resource, "demo-repo/fixed/") || strings.HasPrefix(f.Resource, "container shop-api ") ||
				f.Resource == "host web1 sshd passwordauthentication") {
				t.Errorf("demo: %s fails on %s, which the demo does right: %s", f.CheckID, f.Resource, f.Evidence)
			}
		}
		if !strings.Contains(r.Stderr, "auditing 12 targets") {
			t.Errorf("progress lines should go to stderr when the report is on stdout:\n%s", r.Stderr)
		}
		r = e2e.Run(t, time.Minute, bin, nil, "--format", "sarif", "--fail-on", "critical")
		var sarif struct {
			Version string `json:"version"`
			Runs    []struct {
				Results []json.RawMessage `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(r.Stdout), &sarif); err != nil || r.Code != 1 || sarif.Version != "2.1.0" || len(sarif.Runs[0].Results) != s.Fail+s.Error {
			t.Errorf("sarif: exit %d (want 1), %v, %d results (want %d)", r.Code, err, len(sarif.Runs[0].Results), s.Fail+s.Error)
		}
		r = e2e.Run(t, time.Minute, bin, nil, "--format", "junit", "--fail-on", "none")
		var junit struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
		}
		if err := xml.Unmarshal([]byte(r.Stdout), &junit); err != nil || junit.Tests != s.Total || junit.Failures != s.Fail {
			t.Errorf("junit: %v, tests=%d failures=%d; want %d %d", err, junit.Tests, junit.Failures, s.Total, s.Fail)
		}
	})

	t.Run("waivers", func(t *testing.T) {
		w := filepath.Join(t.TempDir(), "waivers.yaml")
		writeFile(t, w, "waivers:\n  - check: access.container.docker_socket\n    resource: \"container legacy-worker *\"\n    reason: being replaced (OPS-3001)\n    expires: 2099-01-01\n")
		r := e2e.Run(t, time.Minute, bin, nil, "--waivers", w, "--fail-on", "none")
		if r.Code != 0 || !strings.Contains(squeeze(r.Stdout), "waived access.container.docker_socket container legacy-worker") ||
			!strings.Contains(r.Stdout, "waived until 2099-01-01: being replaced (OPS-3001)") {
			t.Errorf("exit %d; the waiver file's waiver is not applied:\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		writeFile(t, w, "waivers:\n  - check: access.container.docker_socket\n    resource: \"*\"\n    expiry: 2099-01-01\n")
		if r := e2e.Run(t, time.Minute, bin, nil, "--waivers", w); r.Code != 2 || !strings.Contains(r.Stderr, w) {
			t.Errorf("bad waivers file: exit %d (want 2, naming the file)\n%s", r.Code, r.Stderr)
		}
	})

	t.Run("bad-config", func(t *testing.T) {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "harden.yaml")
		writeFile(t, cfg, "postgres:\n  dsn: \"host=127.0.0.1\"\n  mode: cloud\naws:\n  audits: [network, s3]\ntls:\n  - {adress: x}\n")
		r := e2e.Run(t, 30*time.Second, bin, nil, "--config", cfg)
		if r.Code != 2 {
			t.Fatalf("exit %d (want 2)\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{cfg + ":7: tls[0].adress: unknown field"} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
			}
		}
		writeFile(t, cfg, "postgres:\n  dsn: \"host=127.0.0.1\"\n  mode: cloud\naws:\n  audits: [network, s3]\n")
		r = e2e.Run(t, 30*time.Second, bin, nil, "--config", cfg)
		for _, want := range []string{cfg + `:3: postgres.mode: "cloud": want auto, self-managed or rds`, cfg + `:5: aws.audits[1]: unknown audit "s3"`} {
			if r.Code != 2 || !strings.Contains(r.Stderr, want) {
				t.Errorf("exit %d; stderr lacks %q:\n%s", r.Code, want, r.Stderr)
			}
		}
	})

	t.Run("unreachable", func(t *testing.T) {
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "Dockerfile"), "FROM scratch\nUSER 10001\n")
		r := e2e.Run(t, time.Minute, bin, nil, "--tls", "127.0.0.1:1", "--scan", dir)
		if r.Code != 3 {
			t.Fatalf("exit %d (want 3)\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{"tls 127.0.0.1:1", "FAILED", "harden.target.reachable", "files " + dir} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("stdout lacks %q:\n%s", want, r.Stdout)
			}
		}
		if !strings.Contains(r.Stderr, "1 failed: tls 127.0.0.1:1") {
			t.Errorf("stderr does not name the failed target:\n%s", r.Stderr)
		}
	})

	t.Run("real", func(t *testing.T) { realRun(t, bin) })
}

// realRun audits real services twice: misconfigured, then fixed.
func realRun(t *testing.T, bin string) {
	pg := testenv.PostgreSQL(t)
	testenv.Docker(t)
	awsCfg := testenv.AWS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	dir := t.TempDir()
	suffix := randHex(t)

	// PostgreSQL: a login role whose password is an md5 hash.
	conn, err := pgx.Connect(ctx, pg.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	role := "harden_e2e_" + suffix
	mustExec(t, conn, "SET password_encryption = 'md5'")
	mustExec(t, conn, fmt.Sprintf("CREATE ROLE %s LOGIN CONNECTION LIMIT 5 PASSWORD 'md5-%s'", role, suffix))
	t.Cleanup(func() { _, _ = conn.Exec(context.Background(), "DROP ROLE IF EXISTS "+role) })

	// Docker: a container running as root with the Docker socket mounted
	// (--privileged is refused where these tests run), and one run as it
	// should be.
	label := "opskit.harden-e2e=" + suffix
	bad := dockerRun(t, "--label", label, "--name", "harden-bad-"+suffix, "-v", "/var/run/docker.sock:/var/run/docker.sock")
	good := dockerRun(t, "--label", label, "--name", "harden-good-"+suffix, "--user", "65534:65534", "--read-only",
		"--memory", "64m", "--cpus", "0.5", "--pids-limit", "64", "--cap-drop", "ALL", "--security-opt", "no-new-privileges")

	// An SSH host that accepts passwords.
	keyPath, keyLine := newKey(t, dir)
	host := testenv.SSHHosts(t, 1, keyLine)[0]
	writeFile(t, filepath.Join(dir, "known_hosts"), host.KnownHosts())
	sshdConf := func(v string) {
		if out, code, err := host.Exec(ctx, "sh", "-c", "printf 'PasswordAuthentication %s\\n' \""+v+"\" > /etc/ssh/sshd_config.d/01-harden-e2e.conf"); err != nil || code != 0 {
			t.Fatalf("set PasswordAuthentication %s: %v %d %s", v, err, code, out)
		}
	}
	sshdConf("yes")

	// moto: a security group open to the internet on SSH, in its own VPC.
	ec2c := ec2.NewFromConfig(awsCfg)
	vpc, err := ec2c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.91.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	sg, err := ec2c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("harden-e2e-" + suffix), Description: aws.String("opskit harden e2e"), VpcId: aws.String(vpcID)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = ec2c.DeleteSecurityGroup(context.Background(), &ec2.DeleteSecurityGroupInput{GroupId: sg.GroupId})
		_, _ = ec2c.DeleteVpc(context.Background(), &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)})
	})
	open22 := []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: open22}); err != nil {
		t.Fatal(err)
	}

	// TLS: an endpoint that still accepts TLS 1.0, and its fixed twin.
	weak := tlsServer(t, dir, tls.VersionTLS10, "weak")
	fixed := tlsServer(t, dir, tls.VersionTLS12, "fixed")

	// Files: a Dockerfile that bakes a password into the image.
	repo := filepath.Join(dir, "repo")
	writeFile(t, filepath.Join(repo, "Dockerfile"), "FROM scratch\nENV DB_PASSWORD=Sup3r-s3cret-"+suffix+"\nUSER 10001\n")

	config := func(tlsAddr string) string {
		p := filepath.Join(dir, "harden.yaml")
		writeFile(t, p, fmt.Sprintf(`postgres:
  dsn: %q
  ca_file: %q
  local_files: true
docker:
  labels: [%q]
  ssh_host: e2e1
ssh:
  identity_file: %s
  known_hosts: known_hosts
  allowed_keys: {root: [%q]}
  hosts: [{name: e2e1, address: %q}]
aws:
  endpoint: %s
  audits: [network]
  vpc_ids: [%s]
scan: [repo]
tls: [{addr: %q, server_name: 127.0.0.1, ca_file: ca.pem}]
`, pg.PrimaryDSN, testenv.TLS(t).CAFile, label, keyPath, keyLine, host.Addr, testenv.AWSEndpoint(), vpcID, tlsAddr))
		return p
	}
	env := []string{"AWS_ACCESS_KEY_ID=opskit-test", "AWS_SECRET_ACCESS_KEY=opskit-test", "AWS_REGION=us-east-1", "AWS_EC2_METADATA_DISABLED=true"}
	run := func(tlsAddr string, wantCode int) *access.Report {
		out := filepath.Join(dir, "report.json")
		r := e2e.Run(t, 3*time.Minute, bin, env, "--config", config(tlsAddr), "--format", "json", "--out", out)
		if r.Code != wantCode {
			t.Fatalf("exit %d (want %d)\n%s\n%s", r.Code, wantCode, r.Stdout, r.Stderr)
		}
		if strings.Contains(r.Stdout+r.Stderr, "opskit:opskit") || strings.Contains(r.Stdout+r.Stderr, "Sup3r-s3cret") {
			t.Errorf("a secret was printed:\n%s\n%s", r.Stdout, r.Stderr)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rep, err := access.ReadJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("real run: %s\n%s", r.Took, r.Stdout)
		return rep
	}
	pgTarget := "postgres 127.0.0.1:5432/postgres "
	expect := []struct{ check, resource string }{
		{"database.roles.md5_password", pgTarget + "role " + role},
		{"access.container.docker_socket", "container harden-bad-" + suffix + " (" + bad[:12] + ")"},
		{"access.container.root_user", "container harden-bad-" + suffix + " (" + bad[:12] + ")"},
		{"access.host.sshd.password_authentication", "host e2e1 sshd passwordauthentication"},
		{"access.network.sg.open_ssh", "security group " + aws.ToString(sg.GroupId) + " (harden-e2e-" + suffix + ") in " + vpcID},
		{"secrets.lint.dockerfile.env", filepath.Join(repo, "Dockerfile") + ":2"},
		{"secrets.certs.tls.protocol", weak},
	}
	rep := run(weak, 1)
	for _, e := range expect {
		if st := statusOf(rep, e.check, e.resource); st != access.StatusFail {
			t.Errorf("misconfigured: %s on %q is %v; want fail", e.check, e.resource, st)
		}
	}
	for _, e := range []struct{ check, resource string }{
		{"access.container.privileged", "container harden-good-" + suffix + " (" + good[:12] + ")"},
		{"access.container.root_user", "container harden-good-" + suffix + " (" + good[:12] + ")"},
		{"access.host.authorized_keys.undeclared", "host e2e1 user root"},
		{"database.files.data_directory_mode", pgTarget + pg.DataDir},
	} {
		if st := statusOf(rep, e.check, e.resource); st != access.StatusPass {
			t.Errorf("well configured: %s on %q is %v; want pass", e.check, e.resource, st)
		}
	}
	for _, f := range rep.Findings {
		// The host image has no apt package lists (nothing can be
		// fetched here), so pending updates are rightly unknown.
		if f.Status == access.StatusError && f.CheckID != "access.host.packages.security_updates" {
			t.Errorf("check error: %s %s: %s", f.CheckID, f.Resource, f.Error)
		}
	}

	// Fix every one of them and audit again.
	mustExec(t, conn, "SET password_encryption = 'scram-sha-256'")
	mustExec(t, conn, fmt.Sprintf("ALTER ROLE %s PASSWORD 'scram-%s'", role, suffix))
	dockerRm(t, bad)
	fixedBad := dockerRun(t, "--label", label, "--name", "harden-bad-"+suffix, "--user", "65534:65534")
	sshdConf("no")
	if _, err := ec2c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: open22}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(repo, "Dockerfile"), "FROM scratch\nRUN --mount=type=secret,id=db_password true\nUSER 10001\n")
	expect[1].resource = "container harden-bad-" + suffix + " (" + fixedBad[:12] + ")"
	expect[2].resource = expect[1].resource
	expect[5].resource = filepath.Join(repo, "Dockerfile")
	expect[6].resource = fixed
	rep = run(fixed, 1) // other findings of the real services stay
	for _, e := range expect {
		if st := statusOf(rep, e.check, e.resource); st != access.StatusPass {
			t.Errorf("fixed: %s on %q is %v; want pass", e.check, e.resource, st)
		}
	}
}

func statusOf(rep *access.Report, check, resource string) access.Status {
	var found []string
	for _, f := range rep.Findings {
		if f.CheckID == check {
			if f.Resource == resource {
				return f.Status
			}
			found = append(found, f.Resource)
		}
	}
	fmt.Fprintf(os.Stderr, "no %s finding on %q; it has: %q\n", check, resource, found)
	return 0
}

func mustExec(t *testing.T, conn *pgx.Conn, sql string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// dockerRun starts a container from the SSH host image (no image can be
// pulled here) that sleeps, and returns its ID; args must name it
// (--name), and it is removed when t ends.
func dockerRun(t *testing.T, args ...string) string {
	t.Helper()
	argv := append([]string{"run", "-d", "--network", "none"}, args...)
	argv = append(argv, testenv.SSHImage(), "sleep", "600")
	var name string
	for i, a := range args {
		if a == "--name" && i+1 < len(args) {
			name = args[i+1]
		}
	}
	// By name: a container that was created but did not start is removed too.
	t.Cleanup(func() { _ = exec.Command("docker", "rm", "-f", name).Run() })
	out, err := exec.Command("docker", argv...).Output()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func dockerRm(t *testing.T, id string) {
	t.Helper()
	if out, err := exec.Command("docker", "rm", "-f", id).CombinedOutput(); err != nil {
		t.Fatalf("docker rm: %v\n%s", err, out)
	}
}

// tlsServer starts an HTTPS server on loopback accepting TLS from
// minVersion and writes its certificate to dir/ca.pem (httptest's
// certificate is the same for every server).
func tlsServer(t *testing.T, dir string, minVersion uint16, name string) (addr string) {
	t.Helper()
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, name) }))
	s.TLS = &tls.Config{MinVersion: minVersion}
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // the probe's refused handshakes
	s.StartTLS()
	t.Cleanup(s.Close)
	writeFile(t, filepath.Join(dir, "ca.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})))
	return s.Listener.Addr().String()
}

func newKey(t *testing.T, dir string) (path, line string) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	path = filepath.Join(dir, "id_ed25519")
	writeFile(t, path, string(pem.EncodeToMemory(block)))
	sp, _ := ssh.NewPublicKey(pub)
	return path, strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp)))
}

func randHex(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// squeeze collapses runs of spaces, so expectations do not depend on the
// table's column widths.
func squeeze(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' }), " ")
}
