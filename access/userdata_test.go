package access_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/internal/testenv"
	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/ssh"
)

// udTeam is two users on host group web: alice (ops, sudo there, in adm,
// expiring) and bob (dev, /bin/sh).
func udTeam(t *testing.T, aliceKey, bobKey string) *access.TeamFile {
	t.Helper()
	y := fmt.Sprintf(`teams: {dev: {}, ops: {}}
host_groups:
  web: {teams: [dev, ops], sudo_teams: [ops]}
  db: {teams: [ops]}
users:
  - {name: alice, teams: [ops], keys: [%q], groups: [adm, web-admins], privileged_groups: [adm], expires: 2099-12-31}
  - {name: bob, teams: [dev], shell: /bin/sh, keys: [%q]}
`, aliceKey, bobKey)
	tf, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(y), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tf
}

var udNow = func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }

func TestUserData(t *testing.T) {
	_, ak := newSigner(t, "alice@laptop")
	_, bk := newSigner(t, "bob@laptop")
	tf := udTeam(t, ak, bk)
	ud, err := access.UserData(tf, []string{"web"}, access.UserDataOptions{Now: udNow})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := access.UserData(tf, []string{"web"}, access.UserDataOptions{Now: udNow})
	if string(ud) != string(again) {
		t.Error("two renderings differ")
	}
	if !strings.HasPrefix(string(ud), "#cloud-config\n") {
		t.Errorf("user data starts %.30q", ud)
	}
	var doc struct {
		Bootcmd    [][]string
		WriteFiles []struct{ Path, Owner, Permissions, Content string } `yaml:"write_files"`
		Users      []map[string]any
	}
	if err := yaml.Unmarshal(ud, &doc); err != nil {
		t.Fatalf("%v\n%s", err, ud)
	}
	if len(doc.Users) != 2 || doc.Users[0]["name"] != "alice" || doc.Users[1]["name"] != "bob" {
		t.Fatalf("users %v", doc.Users)
	}
	a := doc.Users[0]
	if fmt.Sprint(a["groups"]) != "[adm opskit-keys web-admins]" || a["expiredate"] != "2099-12-31" || a["gecos"] != "opskit" || a["lock_passwd"] != false {
		t.Errorf("alice = %v", a)
	}
	if _, ok := a["sudo"]; ok {
		t.Error("sudo is rendered as cloud-init's sudo key; opskit's drop-in must carry it")
	}
	paths := map[string]string{}
	for _, f := range doc.WriteFiles {
		paths[f.Path] = f.Owner + " " + f.Permissions
	}
	for p, want := range map[string]string{
		access.KeysDropIn: "root:root 0644", access.RootKeysDir + "/alice": "root:root 0644", access.RootKeysDir + "/bob": "root:root 0644",
		access.SudoersPrefix + "alice": "root:root 0440",
	} {
		if paths[p] != want {
			t.Errorf("write_files %s = %q; want %q", p, paths[p], want)
		}
	}
	if _, ok := paths[access.SudoersPrefix+"bob"]; ok {
		t.Error("bob, not in a sudo team of web, gets a sudoers drop-in")
	}
	// db lets in only ops; after alice's expiry nobody is left.
	db, _ := access.UserData(tf, []string{"db"}, access.UserDataOptions{Now: udNow})
	if strings.Contains(string(db), "name: bob") || !strings.Contains(string(db), "name: alice") {
		t.Errorf("db user data:\n%s", db)
	}
	late, _ := access.UserData(tf, []string{"db"}, access.UserDataOptions{Now: func() time.Time { return time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if strings.Contains(string(late), "alice") {
		t.Errorf("expired alice rendered:\n%s", late)
	}
	// In-home keys are cloud-init's ssh_authorized_keys; no root-owned files.
	home, _ := access.UserData(tf, []string{"web"}, access.UserDataOptions{Now: udNow, Keys: access.KeysInHome, KeepDefaultUser: true})
	if !strings.Contains(string(home), "ssh_authorized_keys:") || strings.Contains(string(home), access.RootKeysDir) || !strings.Contains(string(home), "- default\n") {
		t.Errorf("in-home user data:\n%s", home)
	}
	if _, err := access.UserData(tf, []string{"nope"}, access.UserDataOptions{}); !errors.Is(err, access.ErrUnknownHostGroup) {
		t.Errorf("unknown host group: %v", err)
	}
	if _, err := access.UserData(nil, nil, access.UserDataOptions{}); !errors.Is(err, access.ErrInvalid) {
		t.Errorf("nil team file: %v", err)
	}
}

// TestUserDataEquivalent boots the SSH host image with Debian's cloud-init
// applying the rendered user data with its own modules (bootcmd,
// write_files, users_groups) before sshd starts, grants the same team
// file to a plain host, and proves the two hosts' states are the same:
// identical snapshots with root-owned keys (a later grant plans nothing),
// and with keys in the home identical but for opskit's header line in
// authorized_keys (a later grant rewrites just those). cloud-init's own
// schema check accepts the user data and rejects a broken copy, and the
// team's keys log in.
func TestUserDataEquivalent(t *testing.T) {
	aSigner, ak := newSigner(t, "alice@laptop")
	bSigner, bk := newSigner(t, "bob@laptop")
	tf := udTeam(t, ak, bk)
	for _, keys := range []access.KeyStore{access.KeysRootOwned, access.KeysInHome} {
		t.Run(keys.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			ud, err := access.UserData(tf, []string{"web"}, access.UserDataOptions{Keys: keys, Now: udNow})
			if err != nil {
				t.Fatal(err)
			}
			booted := sshTestHostsWith(t, 1, testenv.SSHHostOptions{Image: testenv.CloudInitImage(), Env: []string{"USER_DATA=" + base64.StdEncoding.EncodeToString(ud)}})[0]
			granted := sshTestHosts(t, 1)[0]
			p, _ := access.NewProvisioner(access.Options{Keys: keys, Now: udNow})
			if r, err := p.Grant(ctx, tf, []access.Target{{Host: granted.Host, Groups: []string{"web"}}}); err != nil || r.Err() != nil {
				t.Fatalf("grant: %v %v", err, r.Err())
			}
			// cloud-init's own schema validation, both ways.
			seed := "/var/lib/cloud/seed/nocloud/user-data"
			if out, code, err := booted.Env.Exec(ctx, "cloud-init", "schema", "--config-file", seed); err != nil || code != 0 || !strings.Contains(out, "Valid cloud-config") {
				t.Errorf("cloud-init schema: %d %v %s", code, err, out)
			}
			if out, code, err := booted.Env.Exec(ctx, "sh", "-c", `sed "s/lock_passwd: false/lock_passwd: \"no\"/" "$1" >/tmp/bad && cloud-init schema --config-file /tmp/bad`, "bad", seed); err != nil || code == 0 {
				t.Errorf("cloud-init schema accepted a broken copy: %d %v %s", code, err, out)
			}
			if out, _, _ := booted.Env.Exec(ctx, "cat", "/run/cloud-init/result.json"); strings.Contains(out, "users") || strings.Contains(out, "write_files") || strings.Contains(out, "bootcmd") {
				t.Errorf("cloud-init reported errors in the modules user data drives: %s", out)
			}
			sa, err := booted.Host.Snapshot(ctx, access.SnapshotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			sb, err := granted.Host.Snapshot(ctx, access.SnapshotOptions{})
			if err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"alice", "bob"} {
				a, b := sa.Account(name), sb.Account(name)
				if a == nil || b == nil {
					t.Fatalf("%s: booted %v, granted %v", name, a != nil, b != nil)
				}
				if keys == access.KeysInHome {
					// cloud-init writes the keys without opskit's header.
					b = stripHeader(b)
				}
				if !reflect.DeepEqual(a, b) {
					t.Errorf("%s differs:\nbooted  %+v\ngranted %+v", name, *a, *b)
				}
			}
			if sa.RootKeysConfigured != sb.RootKeysConfigured {
				t.Errorf("root keys configured: booted %v, granted %v", sa.RootKeysConfigured, sb.RootKeysConfigured)
			}
			plan, err := p.Plan(ctx, tf, []access.Target{{Host: booted.Host, Groups: []string{"web"}}})
			if err != nil || plan.Err() != nil {
				t.Fatalf("plan: %v %v", err, plan.Err())
			}
			var changes []string
			for _, c := range plan.Hosts[0].Changes {
				changes = append(changes, c.String())
			}
			want := ""
			if keys == access.KeysInHome {
				want = "alice: write authorized_keys, bob: write authorized_keys"
			}
			if got := strings.Join(changes, ", "); got != want {
				t.Errorf("a grant after first boot plans %q; want %q", got, want)
			}
			// The keys log in; alice has sudo there, bob has not.
			if out, err := loginAs(booted, "alice", ssh.PublicKeys(aSigner), "sudo -n true && echo sudo-ok"); err != nil || out != "sudo-ok" {
				t.Errorf("alice: %q %v", out, err)
			}
			if out, err := loginAs(booted, "bob", ssh.PublicKeys(bSigner), "id -un; sudo -n true 2>/dev/null || echo no-sudo"); err != nil || out != "bob\nno-sudo" {
				t.Errorf("bob: %q %v", out, err)
			}
		})
	}
}

// stripHeader returns a copy of a with opskit's header line removed from
// its authorized_keys, wherever the snapshot reports it.
func stripHeader(a *access.Account) *access.Account {
	c := *a
	strip := func(b []byte) []byte {
		first, rest, ok := strings.Cut(string(b), "\n")
		if ok && strings.HasPrefix(first, "# managed by opskit") {
			return []byte(rest)
		}
		return b
	}
	if a.AuthorizedKeys != nil {
		f := *a.AuthorizedKeys
		f.Content = strip(f.Content)
		c.AuthorizedKeys = &f
	}
	c.KeyFiles = nil
	for _, kf := range a.KeyFiles {
		if kf.Type == "file" {
			kf.Content = strip(kf.Content)
			kf.Size = int64(len(kf.Content))
		}
		c.KeyFiles = append(c.KeyFiles, kf)
	}
	return &c
}
