package access_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/sshhost"
	"github.com/opskit-dev/opskit/internal/testenv"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// loginAs dials h as user with signer and runs cmd, verifying the host key.
func loginAs(h testHost, user string, auth ssh.AuthMethod, cmd string) (string, error) {
	cb, err := knownhosts.New(h.KnownHosts)
	if err != nil {
		return "", err
	}
	c, err := ssh.Dial("tcp", h.Env.Addr, &ssh.ClientConfig{User: user, Auth: []ssh.AuthMethod{auth}, HostKeyCallback: cb, Timeout: 10 * time.Second})
	if err != nil {
		return "", err
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	out, err := s.CombinedOutput(cmd)
	return strings.TrimSpace(string(out)), err
}

func teamYAML(users ...string) string {
	var b strings.Builder
	b.WriteString("teams: {dev: {}}\nhost_groups: {all: {teams: [dev]}}\nusers:\n")
	for _, u := range users {
		b.WriteString(u)
	}
	return b.String()
}

func TestLoginAfterGrantNotAfterRevoke(t *testing.T) {
	hosts := sshTestHosts(t, 1)
	ctx := context.Background()
	aSigner, aLine := newSigner(t, "alice@laptop")
	bSigner, bLine := newSigner(t, "bob@laptop")
	tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(teamYAML(
		fmt.Sprintf("  - {name: alice, teams: [dev], sudo: true, keys: [%q]}\n", aLine),
		fmt.Sprintf("  - {name: bob, teams: [dev], keys: [%q]}\n", bLine),
	)), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := access.NewProvisioner(access.Options{})
	targets := []access.Target{{Host: hosts[0].Host, Groups: []string{"all"}}}
	if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	for _, c := range []struct {
		user   string
		signer ssh.Signer
	}{{"alice", aSigner}, {"bob", bSigner}} {
		out, err := loginAs(hosts[0], c.user, ssh.PublicKeys(c.signer), "id -un")
		if err != nil || out != c.user {
			t.Fatalf("%s login: %q, %v", c.user, out, err)
		}
	}
	if _, err := loginAs(hosts[0], "alice", ssh.PublicKeys(bSigner), "true"); err == nil {
		t.Fatal("bob's key logged in as alice")
	}
	if out, err := loginAs(hosts[0], "alice", ssh.PublicKeys(aSigner), "sudo -n id -u"); err != nil || out != "0" {
		t.Fatalf("alice sudo: %q %v", out, err)
	}
	if _, err := loginAs(hosts[0], "bob", ssh.PublicKeys(bSigner), "sudo -n id -u"); err == nil {
		t.Fatal("bob got sudo without it being granted")
	}
	if r, err := p.Revoke(ctx, []string{"alice"}, targets); err != nil || r.Err() != nil || !r.Changed() {
		t.Fatalf("revoke: %v %+v", err, r)
	}
	if _, err := loginAs(hosts[0], "alice", ssh.PublicKeys(aSigner), "true"); err == nil {
		t.Fatal("alice logged in after revoke")
	}
	if out, err := loginAs(hosts[0], "bob", ssh.PublicKeys(bSigner), "id -un"); err != nil || out != "bob" {
		t.Fatalf("bob after alice's revoke: %q %v", out, err)
	}
	if out, _, _ := hosts[0].Env.Exec(ctx, "sh", "-c", "ls /etc/sudoers.d; test -d /home/alice && echo HOME-LEFT"); strings.Contains(out, "opskit-alice") || strings.Contains(out, "HOME-LEFT") {
		t.Fatalf("revoke left files: %s", out)
	}
	if r, _ := p.Revoke(ctx, []string{"alice"}, targets); r.Changed() || r.Err() != nil {
		t.Fatalf("second revoke: %+v", r)
	}
}

const marker = "/tmp/opskit-pwned"

// markerPresent reports whether any hostile payload ran on the host.
func markerPresent(t *testing.T, h testHost) bool {
	t.Helper()
	out, _, err := h.Env.Exec(context.Background(), "sh", "-c", "ls -d /tmp/opskit-pwned* 2>/dev/null; true")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(out) != ""
}

func TestHostileInput(t *testing.T) {
	hosts := sshTestHosts(t, 1)
	h := hosts[0]
	ctx := context.Background()
	// The marker check can fail: prove it on a marker we create.
	if _, _, err := h.Env.Exec(ctx, "touch", marker+"-control"); err != nil {
		t.Fatal(err)
	}
	if !markerPresent(t, h) {
		t.Fatal("marker check does not see a marker")
	}
	if _, _, err := h.Env.Exec(ctx, "rm", "-f", marker+"-control"); err != nil {
		t.Fatal(err)
	}
	payloads := []string{
		"x;touch " + marker, "$(touch " + marker + ")", "`touch " + marker + "`", "x' ; touch " + marker + " '",
		`x" ; touch ` + marker + ` "`, "x\ntouch " + marker, "-x", "--help", "x|touch " + marker, "x&&touch " + marker, "x>" + marker,
	}
	_, good := newSigner(t, "ok")
	p, _ := access.NewProvisioner(access.Options{})
	targets := []access.Target{{Host: h.Host, Groups: []string{"all"}}}

	t.Run("user names rejected", func(t *testing.T) {
		for _, name := range payloads {
			y := teamYAML(fmt.Sprintf("  - {name: %q, teams: [dev], keys: [%q]}\n", name, good))
			_, err := access.ParseTeamFile(ctx, "team.yaml", []byte(y), access.LoadOptions{})
			if !errors.Is(err, access.ErrInvalidUserName) {
				t.Errorf("user %q: err = %v; want ErrInvalidUserName", name, err)
			}
			// Straight to the host, the op is refused before anything is sent.
			if _, err := h.Host.Apply(ctx, []access.Op{{Kind: access.OpEnsureUser, User: name, Shell: "/bin/sh"}}); !errors.Is(err, access.ErrInvalidUserName) {
				t.Errorf("Apply user %q: err = %v; want ErrInvalidUserName", name, err)
			}
			if _, err := p.Revoke(ctx, []string{name}, targets); !errors.Is(err, access.ErrInvalidUserName) {
				t.Errorf("Revoke %q: err = %v", name, err)
			}
		}
	})
	t.Run("key options and smuggled lines rejected", func(t *testing.T) {
		for _, line := range []string{
			`command="touch ` + marker + `" ` + good,
			`restrict,command="touch ` + marker + `" ` + good,
			good + "\ncommand=\"touch " + marker + "\" " + good,
			good + "\r\n" + good,
			`environment="LD_PRELOAD=/tmp/x" ` + good,
		} {
			y := teamYAML(fmt.Sprintf("  - {name: mallory, teams: [dev], keys: [%q]}\n", line))
			_, err := access.ParseTeamFile(ctx, "team.yaml", []byte(y), access.LoadOptions{})
			if !errors.Is(err, access.ErrKeyOptions) && !errors.Is(err, access.ErrKeySmuggling) {
				t.Errorf("key %q: err = %v; want ErrKeyOptions or ErrKeySmuggling", line, err)
			}
		}
	})
	t.Run("comments and contents neutralized", func(t *testing.T) {
		var users []string
		signers := map[string]ssh.Signer{}
		for i, pl := range payloads {
			if strings.ContainsAny(pl, "\n") {
				continue
			}
			s, line := newSigner(t, pl)
			name := fmt.Sprintf("hostile%d", i)
			signers[name] = s
			users = append(users, fmt.Sprintf("  - {name: %s, teams: [dev], keys: [%q]}\n", name, line))
		}
		tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(teamYAML(users...)), access.LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
			t.Fatalf("grant: %v %v", err, r.Err())
		}
		st, err := h.Host.Snapshot(ctx, access.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for name, s := range signers {
			a := st.Account(name)
			if a == nil || a.RootKeys == nil || !bytes.Equal(a.RootKeys.Content, access.AuthorizedKeysContent(tf.User(name))) {
				t.Errorf("%s: authorized_keys not written verbatim", name)
			}
			if out, err := loginAs(h, name, ssh.PublicKeys(s), "id -un"); err != nil || out != name {
				t.Errorf("%s login: %q %v", name, out, err)
			}
		}
		// Hostile bytes as raw op content are refused before anything is
		// sent: sudoers content is generated, principals are plain names.
		hostile := []byte("$(touch " + marker + ")\n`touch " + marker + "`\n'; touch " + marker + "; '\n")
		for _, op := range []access.Op{
			{Kind: access.OpSetSudoers, User: "hostile0", Content: hostile},
			{Kind: access.OpSetPrincipals, User: "hostile0", Content: hostile},
		} {
			if _, err := h.Host.Apply(ctx, []access.Op{op}); !errors.Is(err, access.ErrInvalidField) {
				t.Errorf("hostile %s: err = %v; want ErrInvalidField", op.Kind, err)
			}
		}
		// A principal made of shell metacharacters without spaces is still
		// only data.
		odd := []byte("$(touch_" + strings.ReplaceAll(marker, "/", "_") + ")\n`id`\n")
		mustApply(t, h.Host, access.Op{Kind: access.OpSetPrincipals, User: "hostile0", Content: odd})
		if got, _ := h.Env.ReadFile(ctx, "/etc/ssh/opskit_principals/hostile0"); !bytes.Equal(got, odd) {
			t.Errorf("principals file = %q; want the bytes verbatim", got)
		}
	})
	if markerPresent(t, h) {
		t.Fatal("a hostile payload ran on the host")
	}
	out, _, _ := h.Env.Exec(ctx, "sh", "-c", "cut -d: -f1 /etc/passwd")
	for _, u := range strings.Fields(out) {
		if strings.ContainsAny(u, ";$`'\"|&> ") || strings.HasPrefix(u, "-") {
			t.Errorf("hostile account %q created", u)
		}
	}
}

// hostileWatch runs a loop inside the host's container for d that reports
// any authorized_keys under /home that is not 0600 and owned by its user.
func hostileWatch(ctx context.Context, h testHost, d time.Duration) (string, error) {
	script := fmt.Sprintf(`end=$(($(date +%%s)+%d))
while [ "$(date +%%s)" -lt "$end" ]; do
  for f in /home/*/.ssh/authorized_keys; do
    [ -e "$f" ] || continue
    u=${f#/home/}; u=${u%%%%/*}
    s=$(stat -c "%%a %%U" "$f" 2>/dev/null) || continue
    [ "$s" = "600 $u" ] || echo "VIOLATION $f $s"
  done
  sleep 0.02
done; echo DONE`, int(d.Seconds()))
	out, _, err := h.Env.Exec(ctx, "sh", "-c", script)
	return out, err
}

// pausingHost pauses its container once Apply has been running for delay.
type pausingHost struct {
	access.Host
	env   testenv.SSHHost
	delay time.Duration
	once  sync.Once
	err   chan error
}

func (p *pausingHost) Apply(ctx context.Context, ops []access.Op) ([]access.OpResult, error) {
	p.once.Do(func() {
		go func() {
			time.Sleep(p.delay)
			p.err <- p.env.Pause(context.Background())
		}()
	})
	return p.Host.Apply(ctx, ops)
}

func TestHostLoss(t *testing.T) {
	const n, users = 4, 20
	hosts := sshTestHosts(t, n)
	ctx := context.Background()
	var lines []string
	for i := 0; i < users; i++ {
		_, key := newSigner(t, fmt.Sprintf("u%d", i))
		lines = append(lines, fmt.Sprintf("  - {name: loss%02d, teams: [dev], keys: [%q]}\n", i, key))
	}
	tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(teamYAML(lines...)), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lost := 2
	t.Cleanup(func() { _ = hosts[lost].Env.Unpause(context.Background()) })
	targets := make([]access.Target, n)
	for i, h := range hosts {
		targets[i] = access.Target{Host: h.Host, Groups: []string{"all"}}
	}
	targets[lost].Host = &pausingHost{Host: hosts[lost].Host, env: hosts[lost].Env, delay: 300 * time.Millisecond, err: make(chan error, 1)}

	// Watch every host for a readable or wrong-owner authorized_keys while
	// the grant runs (the lost host's watcher freezes with it and resumes).
	watch := make([]string, n)
	var wg sync.WaitGroup
	for i := range hosts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := hostileWatch(ctx, hosts[i], 25*time.Second)
			if err != nil {
				out += " watch error: " + err.Error()
			}
			watch[i] = out
		}()
	}
	p, _ := access.NewProvisioner(access.Options{HostTimeout: 10 * time.Second, Keys: access.KeysInHome})
	start := time.Now()
	r, err := p.Grant(ctx, tf, targets)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	select {
	case err := <-targets[lost].Host.(*pausingHost).err:
		if err != nil {
			t.Fatalf("pause: %v", err)
		}
	default:
		t.Fatal("the host was never paused")
	}
	for i, hr := range r.Hosts {
		switch {
		case i == lost && hr.Err == nil:
			t.Errorf("lost host %s reported no error", hr.Host)
		case i == lost:
			var he *access.HostError
			if !errors.As(hr.Err, &he) || he.Host != hosts[lost].Host.Name() || !errors.Is(hr.Err, context.DeadlineExceeded) {
				t.Errorf("lost host error %v does not name the host and the timeout", hr.Err)
			}
		case hr.Err != nil:
			t.Errorf("host %s: %v", hr.Host, hr.Err)
		}
	}
	if took > 30*time.Second {
		t.Errorf("grant took %v with one host lost", took)
	}
	t.Logf("grant with host %d lost: %v; lost host error: %v", lost, took, r.Hosts[lost].Err)
	if err := hosts[lost].Env.Unpause(ctx); err != nil {
		t.Fatal(err)
	}
	targets[lost].Host = hosts[lost].Host
	recoverStart := time.Now()
	p, _ = access.NewProvisioner(access.Options{HostTimeout: time.Minute, Keys: access.KeysInHome})
	r, err = p.Grant(ctx, tf, targets)
	if err != nil || r.Err() != nil {
		t.Fatalf("re-run: %v %v", err, r.Err())
	}
	t.Logf("re-run converged in %v; changes on the lost host: %d", time.Since(recoverStart), len(r.Hosts[lost].Changes))
	for i, hr := range r.Hosts {
		if i != lost && hr.Changed() {
			t.Errorf("host %s changed on re-run: %v", hr.Host, hr.Changes)
		}
	}
	r, _ = p.Grant(ctx, tf, targets)
	if r.Changed() || r.Err() != nil {
		t.Fatalf("third run: %s", r.Summary())
	}
	wg.Wait()
	for i, w := range watch {
		if strings.Contains(w, "VIOLATION") || !strings.Contains(w, "DONE") {
			t.Errorf("host %d watcher: %s", i, w)
		}
	}
	st, err := hosts[lost].Host.Snapshot(ctx, access.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < users; i++ {
		a := st.Account(fmt.Sprintf("loss%02d", i))
		if a == nil || a.AuthorizedKeys == nil || a.AuthorizedKeys.Mode != 0o600 || a.AuthorizedKeys.Owner != a.Name {
			t.Errorf("lost host after re-run: %+v", a)
		}
	}
}

func TestHostKeyVerified(t *testing.T) {
	hosts := sshTestHosts(t, 2)
	// A known_hosts file that names host 0's port with host 1's keys: the
	// connection must be refused before anything runs.
	wrong := strings.ReplaceAll(hosts[1].Env.KnownHosts(), fmt.Sprintf("]:%d ", hosts[1].Env.Port), fmt.Sprintf("]:%d ", hosts[0].Env.Port))
	path := t.TempDir() + "/known_hosts"
	if err := os.WriteFile(path, []byte(wrong), 0o600); err != nil {
		t.Fatal(err)
	}
	signer, _ := newSigner(t, "x")
	h, err := sshhost.New(hosts[0].Env.Addr, sshhost.Config{KnownHostsFile: path, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	_, err = h.Snapshot(context.Background(), access.SnapshotOptions{})
	var ke *knownhosts.KeyError
	if !errors.As(err, &ke) && !strings.Contains(fmt.Sprint(err), "knownhosts") {
		t.Fatalf("Snapshot with a wrong host key: %v; want a knownhosts key error", err)
	}
}
