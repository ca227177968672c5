package access_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/sshhost"
	"github.com/opskit-dev/opskit/internal/testenv"
	"golang.org/x/crypto/ssh"
)

const (
	benchHosts = 8
	benchUsers = 20
)

// benchEnv is 8 hosts, a team file of 20 users with one key each, and the
// same work written as an Ansible playbook (ansible.builtin.user plus
// ansible.builtin.file and ansible.builtin.copy for authorized_keys, since
// Debian's ansible-core lacks ansible.posix.authorized_key).
type benchEnv struct {
	targets []access.Target
	tf      *access.TeamFile
	names   []string
	dir     string
}

func newBenchEnv(b *testing.B) *benchEnv {
	b.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		b.Fatal(err)
	}
	signer, _ := ssh.NewSignerFromKey(priv)
	rootLine := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey()))) + " bench-root"
	envs := testenv.SSHHosts(b, benchHosts, rootLine)
	e := &benchEnv{dir: b.TempDir()}
	var kh, inv strings.Builder
	inv.WriteString("[hosts]\n")
	for i, h := range envs {
		kh.WriteString(h.KnownHosts())
		fmt.Fprintf(&inv, "h%d ansible_host=127.0.0.1 ansible_port=%d\n", i, h.Port)
	}
	write := func(name, content string) string {
		p := filepath.Join(e.dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			b.Fatal(err)
		}
		return p
	}
	khPath := write("known_hosts", kh.String())
	block, _ := ssh.MarshalPrivateKey(priv, "bench-root")
	keyPath := write("id_ed25519", string(pem.EncodeToMemory(block)))
	for _, h := range envs {
		host, err := sshhost.New(h.Addr, sshhost.Config{KnownHostsFile: khPath, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)}})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { host.Close() })
		e.targets = append(e.targets, access.Target{Host: host, Groups: []string{"all"}})
	}
	var users []string
	type vu struct {
		Name string `json:"name"`
		Key  string `json:"key"`
	}
	var vars struct {
		Users []vu `json:"users"`
	}
	for i := 0; i < benchUsers; i++ {
		name := fmt.Sprintf("bench%02d", i)
		_, line := newSigner(b, name+"@laptop")
		e.names = append(e.names, name)
		users = append(users, fmt.Sprintf("  - {name: %s, teams: [dev], keys: [%q]}\n", name, line))
		vars.Users = append(vars.Users, vu{name, line})
	}
	e.tf, err = access.ParseTeamFile(context.Background(), "bench.yaml", []byte(teamYAML(users...)), access.LoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	vj, _ := json.Marshal(vars)
	write("vars.json", string(vj))
	write("inventory.ini", inv.String()+"\n[hosts:vars]\nansible_user=root\nansible_ssh_private_key_file="+keyPath+
		"\nansible_ssh_common_args='-o UserKnownHostsFile="+khPath+" -o StrictHostKeyChecking=yes'\nansible_python_interpreter=/usr/bin/python3\n")
	write("ansible.cfg", "[defaults]\nforks = 8\nhost_key_checking = True\ngathering = explicit\nlocal_tmp = "+filepath.Join(e.dir, "ansible-local")+
		"\n[ssh_connection]\npipelining = True\n")
	write("grant.yml", `- hosts: all
  gather_facts: false
  tasks:
    - name: users
      ansible.builtin.user: {name: "{{ item.name }}", shell: /bin/bash, comment: opskit, password: "*", create_home: true}
      loop: "{{ users }}"
    - name: ssh directories
      ansible.builtin.file: {path: "/home/{{ item.name }}/.ssh", state: directory, mode: "0700", owner: "{{ item.name }}", group: "{{ item.name }}"}
      loop: "{{ users }}"
    - name: authorized_keys
      ansible.builtin.copy: {dest: "/home/{{ item.name }}/.ssh/authorized_keys", content: "{{ item.key }}\n", mode: "0600", owner: "{{ item.name }}", group: "{{ item.name }}"}
      loop: "{{ users }}"
`)
	write("revoke.yml", `- hosts: all
  gather_facts: false
  tasks:
    - name: remove users
      ansible.builtin.user: {name: "{{ item.name }}", state: absent, remove: true, force: true}
      loop: "{{ users }}"
`)
	return e
}

func (e *benchEnv) ansible(b *testing.B, playbook string) {
	b.Helper()
	cmd := exec.Command("ansible-playbook", "-i", filepath.Join(e.dir, "inventory.ini"), "-e", "@"+filepath.Join(e.dir, "vars.json"), filepath.Join(e.dir, playbook))
	cmd.Env = append(os.Environ(), "ANSIBLE_CONFIG="+filepath.Join(e.dir, "ansible.cfg"), "ANSIBLE_NOCOLOR=1", "ANSIBLE_STDOUT_CALLBACK=default")
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("ansible-playbook %s: %v\n%s", playbook, err, tail(string(out), 3000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

func (e *benchEnv) provisioner(b *testing.B) *access.Provisioner {
	// Keys in homes: the same work ansible's authorized_key module does.
	p, err := access.NewProvisioner(access.Options{Concurrency: benchHosts, Keys: access.KeysInHome})
	if err != nil {
		b.Fatal(err)
	}
	return p
}

func (e *benchEnv) grant(b *testing.B) *access.Result {
	r, err := e.provisioner(b).Grant(context.Background(), e.tf, e.targets)
	if err != nil || r.Err() != nil {
		b.Fatalf("grant: %v %v", err, r.Err())
	}
	return r
}

func (e *benchEnv) revoke(b *testing.B) *access.Result {
	r, err := e.provisioner(b).Revoke(context.Background(), e.names, e.targets)
	if err != nil || r.Err() != nil {
		b.Fatalf("revoke: %v %v", err, r.Err())
	}
	return r
}

// verify checks every host has (or lacks) every user with the right key
// file, whichever tool did the work.
func (e *benchEnv) verify(b *testing.B, granted bool) {
	b.Helper()
	for _, t := range e.targets {
		st, err := t.Host.Snapshot(context.Background(), access.SnapshotOptions{})
		if err != nil {
			b.Fatal(err)
		}
		for _, u := range e.tf.Users {
			a := st.Account(u.Name)
			if !granted {
				if a != nil {
					b.Fatalf("%s: %s still present", t.Host.Name(), u.Name)
				}
				continue
			}
			if a == nil || a.AuthorizedKeys == nil || a.AuthorizedKeys.Mode != 0o600 || a.AuthorizedKeys.Owner != u.Name ||
				!strings.Contains(string(a.AuthorizedKeys.Content), u.Keys[0].AuthorizedLine()) {
				b.Fatalf("%s: %s not granted: %+v", t.Host.Name(), u.Name, a)
			}
		}
	}
}

func needAnsible(b *testing.B) {
	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		b.Skip("ansible-playbook not installed (apt-get install -y ansible-core)")
	}
}

// BenchmarkGrant creates 20 users with one key each on 8 hosts.
func BenchmarkGrant(b *testing.B) {
	e := newBenchEnv(b)
	b.Run("opskit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			e.revoke(b)
			b.StartTimer()
			e.grant(b)
		}
		b.StopTimer()
		e.verify(b, true)
	})
	b.Run("ansible", func(b *testing.B) {
		needAnsible(b)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			e.revoke(b)
			b.StartTimer()
			e.ansible(b, "grant.yml")
		}
		b.StopTimer()
		e.verify(b, true)
	})
}

// BenchmarkRerun repeats the grant on hosts that already have it: no change.
func BenchmarkRerun(b *testing.B) {
	e := newBenchEnv(b)
	b.Run("opskit", func(b *testing.B) {
		b.StopTimer()
		e.grant(b)
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			if r := e.grant(b); r.Changed() {
				b.Fatalf("re-run changed: %s", r.Summary())
			}
		}
	})
	b.Run("ansible", func(b *testing.B) {
		needAnsible(b)
		b.StopTimer()
		e.revoke(b)
		e.ansible(b, "grant.yml")
		b.StartTimer()
		for i := 0; i < b.N; i++ {
			e.ansible(b, "grant.yml")
		}
		b.StopTimer()
		e.verify(b, true)
	})
}

// BenchmarkRevoke removes the 20 users with their homes from 8 hosts.
func BenchmarkRevoke(b *testing.B) {
	e := newBenchEnv(b)
	b.Run("opskit", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			e.grant(b)
			b.StartTimer()
			e.revoke(b)
		}
		b.StopTimer()
		e.verify(b, false)
	})
	b.Run("ansible", func(b *testing.B) {
		needAnsible(b)
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			e.grant(b)
			b.StartTimer()
			e.ansible(b, "revoke.yml")
		}
		b.StopTimer()
		e.verify(b, false)
	})
}
