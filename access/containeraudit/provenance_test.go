package containeraudit_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
	"github.com/opskit-dev/opskit/access/containeraudit"
	"github.com/opskit-dev/opskit/access/sshhost"
	"github.com/opskit-dev/opskit/internal/testenv"
	"golang.org/x/crypto/ssh"
)

// TestImageProvenance proves the provenance checks both ways on the real
// Docker engine, and the content trust check both ways on a real SSH host
// and on the fake, from what governs pulls on the host: exporting the
// variable in the auditing process changes nothing.
func TestImageProvenance(t *testing.T) {
	t.Run("registry_and_pinning", testRegistryAndPinning)
	t.Run("content_trust/ssh", func(t *testing.T) {
		cli := testenv.Docker(t)
		h, env := sshHost(t)
		testContentTrust(t, cli, h, sshEditor{env})
	})
	t.Run("content_trust/fake", func(t *testing.T) {
		cli := testenv.Docker(t)
		h := accessfake.New("fake-docker-host", accessfake.Options{})
		testContentTrust(t, cli, h, fakeEditor{h})
	})
}

// hostEditor changes a host as root would, outside opskit.
type hostEditor interface {
	// writeFile replaces the file at p with content, owned by owner.
	writeFile(t *testing.T, p, owner, content string)
	// addDockerUser creates user in the docker group.
	addDockerUser(t *testing.T, user string)
}

type sshEditor struct{ env testenv.SSHHost }

func (e sshEditor) exec(t *testing.T, argv ...string) {
	t.Helper()
	if out, code, err := e.env.Exec(context.Background(), argv...); err != nil || code != 0 {
		t.Fatalf("%v: %d %v %s", argv, code, err, out)
	}
}

func (e sshEditor) writeFile(t *testing.T, p, owner, content string) {
	e.exec(t, "sh", "-c", `mkdir -p "$(dirname "$1")" && printf "%s" "$3" >"$1" && chown "$2" "$1"`, "write", p, owner, content)
}

func (e sshEditor) addDockerUser(t *testing.T, user string) {
	e.exec(t, "sh", "-c", `groupadd -f docker && useradd -m -s /bin/bash -G docker "$1"`, "add", user)
}

type fakeEditor struct{ h *accessfake.Host }

func (e fakeEditor) writeFile(t *testing.T, p, owner, content string) {
	e.h.WriteFile(p, access.FileInfo{Mode: 0o644, Owner: owner, Group: owner}, []byte(content))
}

func (e fakeEditor) addDockerUser(t *testing.T, user string) {
	res, err := e.h.Apply(context.Background(), []access.Op{{Kind: access.OpEnsureUser, User: user, Shell: "/bin/bash", Groups: []string{"docker"}, AllowPrivileged: []string{"docker"}}})
	if err != nil || res[0].Err != nil {
		t.Fatalf("add %s: %v %v", user, err, res)
	}
}

func testRegistryAndPinning(t *testing.T) {
	cli := testenv.Docker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	run := hex.EncodeToString(b)
	trusted := imageAs(t, ctx, cli, "registry.opskit.test/app:"+run)
	start := func(name, image string, prod bool) {
		labels := map[string]string{"opskit.test.provenance": run}
		if prod {
			labels["env"] = "production"
		}
		c, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{Name: "opskit-provenance-" + run + "-" + name,
			Config: &container.Config{Image: image, Cmd: []string{"sleep", "infinity"}, Labels: labels}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = cli.ContainerRemove(context.Background(), c.ID, client.ContainerRemoveOptions{Force: true})
		})
		if _, err := cli.ContainerStart(ctx, c.ID, client.ContainerStartOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	audit := func(opts containeraudit.Options) map[string]access.Finding {
		opts.Labels = []string{"opskit.test.provenance=" + run}
		fs, err := containeraudit.Audit(ctx, cli, opts)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]access.Finding{}
		for _, f := range fs {
			if strings.HasPrefix(f.CheckID, "access.container.image_") {
				name := strings.TrimPrefix(strings.Fields(strings.TrimPrefix(f.Resource, "container "))[0], "opskit-provenance-"+run+"-")
				m[f.CheckID+"/"+name] = f
			}
		}
		return m
	}
	want := func(m map[string]access.Finding, key string, st access.Status, evidence string) {
		t.Helper()
		f, ok := m[key]
		switch {
		case !ok && st != 0:
			t.Errorf("no finding for %s", key)
		case ok && st == 0:
			t.Errorf("%s: unexpected finding %v", key, f.Status)
		case ok && (f.Status != st || !strings.Contains(f.Evidence, evidence)):
			t.Errorf("%s = %v %q; want %v with %q", key, f.Status, f.Evidence, st, evidence)
		}
	}
	// Misconfigured: a production container from a public repository by tag.
	start("tagged", testenv.SSHImage(), true)
	// Fixed: the same workload from the team's registry, pinned by content.
	start("pinned", trusted, true)
	// Not production: its tag is allowed.
	start("dev", testenv.SSHImage(), false)
	opts := containeraudit.Options{AllowedRegistries: []string{"registry.opskit.test"}, ProductionLabels: []string{"env=production"}}
	m := audit(opts)
	want(m, "access.container.image_registry/tagged", access.StatusFail, "is from docker.io, not from registry.opskit.test")
	want(m, "access.container.image_not_pinned/tagged", access.StatusFail, `created from "`+testenv.SSHImage()+`"`)
	want(m, "access.container.image_registry/pinned", access.StatusPass, "")
	want(m, "access.container.image_not_pinned/pinned", access.StatusPass, "")
	want(m, "access.container.image_registry/dev", access.StatusFail, "docker.io")
	want(m, "access.container.image_not_pinned/dev", 0, "")
	// Without an allow-list, public registries fail and others pass; a
	// repository prefix allows just that repository.
	m = audit(containeraudit.Options{})
	want(m, "access.container.image_registry/tagged", access.StatusFail, "public registry docker.io")
	want(m, "access.container.image_registry/pinned", access.StatusPass, "")
	want(m, "access.container.image_not_pinned/dev", access.StatusFail, "")
	m = audit(containeraudit.Options{AllowedRegistries: []string{sshImageRepo(t)}})
	want(m, "access.container.image_registry/tagged", access.StatusPass, "")
	want(m, "access.container.image_registry/pinned", access.StatusFail, "registry.opskit.test")
}

// testContentTrust walks one host from untrusted to trusted and back, with
// run applying a setup step on it as root would.
func testContentTrust(t *testing.T, cli *client.Client, h access.Host, ed hostEditor) {
	ctx := context.Background()
	status := func() access.Finding {
		t.Helper()
		fs, err := containeraudit.Audit(ctx, cli, containeraudit.Options{Labels: []string{"opskit.test.none=content-trust"}, Host: h})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.CheckID == "access.docker.content_trust" {
				return f
			}
		}
		t.Fatal("no content trust finding")
		return access.Finding{}
	}
	want := func(f access.Finding, st access.Status, evidence string) {
		t.Helper()
		if f.Status != st || !strings.Contains(f.Evidence+f.Error, evidence) {
			t.Errorf("content trust = %v %q%q; want %v with %q", f.Status, f.Evidence, f.Error, st, evidence)
		}
	}
	// The auditor's own environment is not the host's.
	t.Setenv("DOCKER_CONTENT_TRUST", "1")
	want(status(), access.StatusFail, "root: DOCKER_CONTENT_TRUST unset")
	ed.writeFile(t, "/etc/environment", "root", "LANG=C.UTF-8\nDOCKER_CONTENT_TRUST=1\n")
	want(status(), access.StatusPass, "")
	// A deploying user in the docker group who turns it off in ~/.profile.
	ed.addDockerUser(t, "deployer")
	ed.writeFile(t, "/home/deployer/.profile", "deployer", "PATH=$HOME/bin:$PATH\nexport GITHUB_TOKEN=ghp_canaryLoginFileSecret\nexport DOCKER_CONTENT_TRUST=0 # too slow\n")
	want(status(), access.StatusFail, `deployer: DOCKER_CONTENT_TRUST="0" from /home/deployer/.profile`)
	// Only the lines that mention the variable leave the host.
	facts, err := h.Facts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range facts.LoginEnv {
		if strings.Contains(string(f.Content), "canaryLoginFileSecret") || strings.Contains(string(f.Content), "PATH=") {
			t.Errorf("%s: facts carry lines beyond DOCKER_CONTENT_TRUST: %q", f.Path, f.Content)
		}
		if f.Path == "/home/deployer/.profile" && string(f.Content) != "export DOCKER_CONTENT_TRUST=0 # too slow\n" {
			t.Errorf("%s: content %q; want only its DOCKER_CONTENT_TRUST line", f.Path, f.Content)
		}
	}
	// The daemon enforcing signatures covers every user; a permissive one
	// does not, and one that does not parse cannot be judged.
	ed.writeFile(t, "/etc/docker/daemon.json", "root", `{"content-trust": {"mode": "enforced"}}`)
	want(status(), access.StatusPass, "")
	ed.writeFile(t, "/etc/docker/daemon.json", "root", `{"content-trust": {"mode": "permissive"}}`)
	want(status(), access.StatusFail, "deployer")
	ed.writeFile(t, "/etc/docker/daemon.json", "root", `{"content-trust": `)
	want(status(), access.StatusError, "does not parse")
	// The user fixes their own file.
	ed.writeFile(t, "/etc/docker/daemon.json", "root", `{}`)
	ed.writeFile(t, "/home/deployer/.profile", "deployer", "export DOCKER_CONTENT_TRUST=\"1\"\n")
	want(status(), access.StatusPass, "")
	// Without a host to read, the check says it cannot be evaluated.
	fs, err := containeraudit.Audit(ctx, cli, containeraudit.Options{Labels: []string{"opskit.test.none=content-trust"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.CheckID == "access.docker.content_trust" && (f.Status != access.StatusError || !strings.Contains(f.Error, "not applicable")) {
			t.Errorf("content trust without a host = %v %q", f.Status, f.Error)
		}
	}
}

// sshHost starts one real SSH host and returns opskit's host over it.
func sshHost(t *testing.T) (*sshhost.Host, testenv.SSHHost) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, _ := ssh.NewSignerFromKey(priv)
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " opskit-test-root"
	env := testenv.SSHHosts(t, 1, line)[0]
	kh := filepath.Join(t.TempDir(), "known_hosts")
	if err := os.WriteFile(kh, []byte(env.KnownHosts()), 0o600); err != nil {
		t.Fatal(err)
	}
	h, err := sshhost.New(env.Addr, sshhost.Config{KnownHostsFile: kh, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h, env
}
