package teamvault_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/teamvault"
)

// fixture is a vault in a git repository with alice (ops, dba), bob (dba,
// RSA key) and carol (ops), and three entries committed.
type fixture struct {
	dir               string
	alice, bob, carol key
	members           []member
	values            map[string]string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), alice: newKey(t, "ed25519"), bob: newKey(t, "rsa2048"), carol: newKey(t, "ed25519")}
	f.members = []member{
		{name: "alice", teams: []string{"ops", "dba"}, keys: []key{f.alice}},
		{name: "bob", teams: []string{"dba"}, keys: []key{f.bob}},
		{name: "carol", teams: []string{"ops"}, keys: []key{f.carol}},
	}
	writeFile(t, filepath.Join(f.dir, "team.yaml"), teamYAML(f.members...))
	writeFile(t, filepath.Join(f.dir, teamvault.ConfigFile), vaultYAML)
	f.values = map[string]string{"db/prod": "pr0d-pw", "db/staging": "st4ging-pw", "web/api-token": "t0ken"}
	v := mustOpen(t, f.dir)
	for name, val := range f.values {
		if err := v.Put(context.Background(), name, secrets.NewValue([]byte(val))); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f *fixture) setTeam(t *testing.T, members ...member) {
	t.Helper()
	f.members = members
	writeFile(t, filepath.Join(f.dir, "team.yaml"), teamYAML(members...))
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestVaultRemoveMember(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	git(t, f.dir, "init", "-q")
	git(t, f.dir, "add", "-A")
	git(t, f.dir, "commit", "-q", "-m", "vault")
	before := snapshot(t, f.dir)

	// bob leaves: the team file no longer lists him.
	f.setTeam(t, f.members[0], f.members[2])
	var progress []int
	v, err := teamvault.Open(f.dir, teamvault.Options{Progress: func(done, total int) { progress = append(progress, done, total) }})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := v.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan) != 2 {
		t.Fatalf("Plan = %d changes; want 2 (db/prod, db/staging)", len(plan))
	}
	res, err := v.Sync(ctx, f.alice.id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(progress, []int{1, 2, 2, 2}) {
		t.Errorf("Progress calls (done, total) = %v; want 1,2 then 2,2", progress)
	}
	var changed []string
	for _, c := range res.Changed {
		changed = append(changed, c.Entry)
		if len(c.Added) != 0 || len(c.Removed) != 1 || c.Removed[0].Member != "bob" || c.Removed[0].Fingerprint != f.bob.fp {
			t.Errorf("change %s: added %v removed %v; want only bob's key removed", c.Entry, c.Added, c.Removed)
		}
	}
	if want := []string{"db/prod", "db/staging"}; !reflect.DeepEqual(changed, want) || res.Unchanged != 1 {
		t.Fatalf("Sync changed %v, unchanged %d; want %v, 1", changed, res.Unchanged, want)
	}
	want := []teamvault.Revocation{{Member: "bob", Fingerprints: []string{f.bob.fp}, Entries: []string{"db/prod", "db/staging"}}}
	if !reflect.DeepEqual(res.Revoked, want) {
		t.Fatalf("Revoked = %+v; want %+v", res.Revoked, want)
	}
	warn := res.Warning()
	for _, s := range []string{"bob", "git history", "rotate", "db/prod, db/staging", f.bob.fp} {
		if !strings.Contains(warn, s) {
			t.Errorf("Warning() = %q; want it to mention %q", warn, s)
		}
	}

	// The entry bob never read is byte for byte the same: no diff.
	after := snapshot(t, f.dir)
	for _, p := range []string{v.Path("web/api-token"), strings.TrimSuffix(v.Path("web/api-token"), ".age") + ".readers"} {
		if before[p] != after[p] {
			t.Errorf("%s changed, though its readers did not", p)
		}
	}
	if diff := git(t, f.dir, "diff", "--", "entries/db/prod.readers"); !strings.Contains(diff, "-bob ssh-rsa "+f.bob.fp) {
		t.Errorf("git diff of db/prod.readers does not show bob removed:\n%s", diff)
	}

	// New versions: bob is out, alice still reads.
	if _, err := v.Get(ctx, "db/prod", f.bob.id); !errors.Is(err, teamvault.ErrNoAccess) {
		t.Errorf("Get with bob's key after removal: %v; want ErrNoAccess", err)
	}
	if got, err := v.Get(ctx, "db/prod", f.alice.id); err != nil || got.Reveal() != "pr0d-pw" {
		t.Errorf("Get with alice's key = %v, %v; want the password", got.Len(), err)
	}
	// The real age CLI agrees, and the warning is true: the version in git
	// history still opens with bob's key.
	if _, err := ageDecrypt(t, f.bob, v.Path("db/prod")); err == nil {
		t.Error("age -d -i bob's key decrypted the new db/prod")
	}
	if out, err := ageDecrypt(t, f.alice, v.Path("db/prod")); err != nil || out != "pr0d-pw" {
		t.Errorf("age -d -i alice's key = %q, %v", out, err)
	}
	old := filepath.Join(t.TempDir(), "old.age")
	if err := os.WriteFile(old, []byte(git(t, f.dir, "show", "HEAD:entries/db/prod.age")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := ageDecrypt(t, f.bob, old); err != nil || out != "pr0d-pw" {
		t.Errorf("old version from git history with bob's key = %q, %v; the warning says it still opens", out, err)
	}

	// A second Sync has nothing to do and changes nothing.
	res2, err := mustOpen(t, f.dir).Sync(ctx, f.alice.id)
	if err != nil || len(res2.Changed) != 0 || res2.Warning() != "" {
		t.Fatalf("second Sync = %+v, %v; want no change", res2, err)
	}
	if !reflect.DeepEqual(snapshot(t, f.dir), after) {
		t.Error("second Sync rewrote files")
	}
}

func TestVaultAddMember(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	before := snapshot(t, f.dir)
	dave := newKey(t, "ed25519")
	f.setTeam(t, append(f.members, member{name: "dave", teams: []string{"dba"}, keys: []key{dave}})...)
	v := mustOpen(t, f.dir)
	if _, err := v.Get(ctx, "db/prod", dave.id); !errors.Is(err, teamvault.ErrNoAccess) {
		t.Fatalf("dave before Sync: %v; want ErrNoAccess", err)
	}
	res, err := v.Sync(ctx, f.bob.id) // bob (RSA) can read what dave gains
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Changed) != 2 || res.Unchanged != 1 || len(res.Revoked) != 0 || res.Warning() != "" {
		t.Fatalf("Sync = %+v; want db/prod and db/staging changed, nobody revoked", res)
	}
	for _, c := range res.Changed {
		if len(c.Added) != 1 || c.Added[0].Member != "dave" || len(c.Removed) != 0 {
			t.Errorf("change %s: added %v removed %v; want dave added", c.Entry, c.Added, c.Removed)
		}
	}
	for _, name := range []string{"db/prod", "db/staging"} {
		for who, k := range map[string]key{"dave": dave, "alice": f.alice, "bob": f.bob} {
			if got, err := v.Get(ctx, name, k.id); err != nil || got.Reveal() != f.values[name] {
				t.Errorf("Get(%s) as %s: %v", name, who, err)
			}
		}
	}
	if _, err := v.Get(ctx, "web/api-token", dave.id); !errors.Is(err, teamvault.ErrNoAccess) {
		t.Errorf("dave reads web/api-token: %v; want ErrNoAccess", err)
	}
	if p := v.Path("web/api-token"); snapshot(t, f.dir)[p] != before[p] {
		t.Error("web/api-token was rewritten")
	}
}

func TestVaultUnknownMember(t *testing.T) {
	f := newFixture(t)
	writeFile(t, filepath.Join(f.dir, teamvault.ConfigFile), vaultYAML+"  - match: ci/*\n    users: [zed]\n")
	_, err := teamvault.Open(f.dir, teamvault.Options{})
	if !errors.Is(err, teamvault.ErrUnknownMember) || !strings.Contains(err.Error(), `"zed"`) || !strings.Contains(err.Error(), "vault.yaml:7") {
		t.Fatalf("Open with unknown user: %v; want ErrUnknownMember naming zed and vault.yaml:7", err)
	}
	writeFile(t, filepath.Join(f.dir, teamvault.ConfigFile), vaultYAML+"  - match: ci/*\n    teams: [qa]\n")
	if _, err := teamvault.Open(f.dir, teamvault.Options{}); !errors.Is(err, teamvault.ErrUnknownTeam) || !strings.Contains(err.Error(), `"qa"`) {
		t.Fatalf("Open with unknown team: %v; want ErrUnknownTeam naming qa", err)
	}
	// A member with no usable key and no other reader: nothing to encrypt to.
	writeFile(t, filepath.Join(f.dir, teamvault.ConfigFile), vaultYAML+"  - match: solo/*\n    users: [erin]\n")
	erin := newKey(t, "ecdsa")
	f.setTeam(t, append(f.members, member{name: "erin", keys: []key{erin}})...)
	v := mustOpen(t, f.dir)
	if m := v.Team().Member("erin"); m == nil || len(m.Keys) != 0 || len(m.Skipped) != 1 {
		t.Fatalf("erin = %+v; want her ECDSA key skipped", m)
	}
	if err := v.Put(context.Background(), "solo/x", secrets.NewValue([]byte("x"))); !errors.Is(err, teamvault.ErrNoReaders) {
		t.Fatalf("Put with only an ECDSA reader: %v; want ErrNoReaders", err)
	}
	if err := v.Put(context.Background(), "nomatch", secrets.NewValue([]byte("x"))); !errors.Is(err, teamvault.ErrNoReaders) {
		t.Fatalf("Put of an entry no rule matches: %v; want ErrNoReaders", err)
	}
}

func TestVaultKeyTypes(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	keys := map[string]key{"ed": newKey(t, "ed25519"), "rsa": newKey(t, "rsa2048")}
	weak, ec := newKey(t, "rsa1024"), newKey(t, "ecdsa")
	writeFile(t, filepath.Join(dir, "team.yaml"), teamYAML(
		member{name: "ed", teams: []string{"ops"}, keys: []key{keys["ed"]}},
		member{name: "rsa", teams: []string{"ops"}, keys: []key{keys["rsa"], weak, ec}},
	))
	writeFile(t, filepath.Join(dir, teamvault.ConfigFile), vaultYAML)
	v := mustOpen(t, dir)
	if m := v.Team().Member("rsa"); len(m.Keys) != 1 || len(m.Skipped) != 2 {
		t.Fatalf("member rsa: %d keys, skipped %q; want the 2048-bit key kept, the 1024-bit RSA and ECDSA keys skipped", len(m.Keys), m.Skipped)
	}
	if err := v.Put(ctx, "web/k", secrets.NewValue([]byte("s3cret"))); err != nil {
		t.Fatal(err)
	}
	readers, _ := v.Readers("web/k")
	if len(readers) != 2 || readers[0].Type != "ssh-ed25519" || readers[1].Type != "ssh-rsa" {
		t.Fatalf("Readers = %v", readers)
	}
	for name, k := range keys {
		if got, err := v.Get(ctx, "web/k", k.id); err != nil || got.Reveal() != "s3cret" {
			t.Errorf("Get as %s: %v", name, err)
		}
		if out, err := ageDecrypt(t, k, v.Path("web/k")); err != nil || out != "s3cret" {
			t.Errorf("age -d -i %s key: %q, %v", name, out, err)
		}
	}
}

func TestVaultTampered(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	v := mustOpen(t, f.dir)
	path := v.Path("db/prod")
	readersPath := strings.TrimSuffix(path, ".age") + ".readers"
	orig, _ := os.ReadFile(path)
	origReaders, _ := os.ReadFile(readersPath)
	restore := func() {
		writeFile(t, path, string(orig))
		writeFile(t, readersPath, string(origReaders))
	}
	mallory := newKey(t, "ed25519")
	all := slices.Clone(f.members)
	cases := map[string]func(){
		"ciphertext byte flipped": func() {
			lines := strings.Split(string(orig), "\n")
			b := []byte(lines[len(lines)-3]) // last full base64 line, in the payload
			b[5] ^= 'A' ^ 'B'
			if b[5] == lines[len(lines)-3][5] {
				b[5] ^= 1
			}
			lines[len(lines)-3] = string(b)
			writeFile(t, path, strings.Join(lines, "\n"))
		},
		"reader claimed in .readers": func() {
			writeFile(t, readersPath, string(origReaders)+"carol ssh-ed25519 "+f.carol.fp+"\n")
		},
		"reader dropped from .readers": func() {
			lines := strings.Split(strings.TrimSpace(string(origReaders)), "\n")
			writeFile(t, readersPath, strings.Join(lines[:len(lines)-1], "\n")+"\n")
		},
		"re-encrypted to an extra key": func() {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "team.yaml"), teamYAML(append(slices.Clone(all), member{name: "mallory", teams: []string{"dba"}, keys: []key{mallory}})...))
			writeFile(t, filepath.Join(dir, teamvault.ConfigFile), vaultYAML)
			mv := mustOpen(t, dir)
			if err := mv.Put(ctx, "db/prod", secrets.NewValue([]byte("evil"))); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(mv.Path("db/prod"))
			writeFile(t, path, string(b))
		},
		".readers missing": func() { os.Remove(readersPath) },
		"not armored":      func() { writeFile(t, path, "hello\n") },
	}
	for name, tamper := range cases {
		t.Run(name, func(t *testing.T) {
			defer restore()
			tamper()
			if _, err := v.Get(ctx, "db/prod", f.alice.id); !errors.Is(err, teamvault.ErrTampered) {
				t.Fatalf("Get: %v; want ErrTampered", err)
			}
			// Sync refuses too, and writes nothing.
			f.setTeam(t, all[0], all[2])
			defer f.setTeam(t, all...)
			snap := snapshot(t, f.dir)
			if _, err := mustOpen(t, f.dir).Sync(ctx, f.alice.id); !errors.Is(err, teamvault.ErrTampered) {
				t.Fatalf("Sync: %v; want ErrTampered", err)
			}
			if !reflect.DeepEqual(snapshot(t, f.dir), snap) {
				t.Fatal("a refused Sync changed files")
			}
		})
	}
	if got, err := v.Get(ctx, "db/prod", f.alice.id); err != nil || got.Reveal() != "pr0d-pw" {
		t.Fatalf("restored entry: %v", err)
	}
}

// An operator who cannot read every changed entry changes nothing.
func TestVaultSyncAllOrNothing(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	// dave joins ops and dba, so entries of both change; bob (dba) can
	// decrypt db/* but not web/*.
	dave := newKey(t, "ed25519")
	f.setTeam(t, append(f.members, member{name: "dave", teams: []string{"ops", "dba"}, keys: []key{dave}})...)
	snap := snapshot(t, f.dir)
	if _, err := mustOpen(t, f.dir).Sync(ctx, f.bob.id); !errors.Is(err, teamvault.ErrNoAccess) || !strings.Contains(err.Error(), "web/api-token") {
		t.Fatalf("Sync by a reader of only some entries: %v; want ErrNoAccess naming web/api-token", err)
	}
	if !reflect.DeepEqual(snapshot(t, f.dir), snap) {
		t.Fatal("a failed Sync changed files")
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := mustOpen(t, f.dir).Sync(cctx, f.alice.id); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Sync: %v", err)
	}
	if !reflect.DeepEqual(snapshot(t, f.dir), snap) {
		t.Fatal("a cancelled Sync changed files")
	}
}

func TestVaultMemberExpires(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	team, _ := os.ReadFile(filepath.Join(f.dir, "team.yaml"))
	writeFile(t, filepath.Join(f.dir, "team.yaml"), strings.Replace(string(team), "  - name: bob\n", "  - name: bob\n    expires: \"2026-06-30\"\n", 1))
	for _, c := range []struct {
		now     string
		revoked int
	}{{"2026-06-30", 0}, {"2026-07-01", 1}} {
		now, _ := time.Parse("2006-01-02", c.now)
		v, err := teamvault.Open(f.dir, teamvault.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		res, err := v.Sync(ctx, f.alice.id)
		if err != nil || len(res.Revoked) != c.revoked {
			t.Fatalf("Sync on %s: %+v, %v; want %d revocations", c.now, res, err, c.revoked)
		}
	}
}

func TestVaultBadInput(t *testing.T) {
	f := newFixture(t)
	v := mustOpen(t, f.dir)
	for _, name := range []string{"", "../x", "a//b", "/abs", "db/.hidden", "sp ace", "a/../b"} {
		if err := v.Put(context.Background(), name, secrets.NewValue([]byte("x"))); !errors.Is(err, teamvault.ErrInvalid) {
			t.Errorf("Put(%q): %v; want ErrInvalid", name, err)
		}
	}
	if _, err := v.Get(context.Background(), "db/none", f.alice.id); !errors.Is(err, teamvault.ErrNotFound) {
		t.Errorf("Get missing: %v; want ErrNotFound", err)
	}
	if err := v.Delete(context.Background(), "db/none"); !errors.Is(err, teamvault.ErrNotFound) {
		t.Errorf("Delete missing: %v; want ErrNotFound", err)
	}
	if err := v.Delete(context.Background(), "db/staging"); err != nil {
		t.Fatal(err)
	}
	if names, _ := v.Entries(); !reflect.DeepEqual(names, []string{"db/prod", "web/api-token"}) {
		t.Errorf("Entries after Delete = %v", names)
	}
	if _, err := os.Stat(strings.TrimSuffix(v.Path("db/staging"), ".age") + ".readers"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("db/staging.readers left behind: %v", err)
	}
	for name, team := range map[string]string{
		"alias":         "teams:\n  ops: &a\nusers:\n  - name: x\n    teams: *a\n",
		"duplicate key": "teams:\n  ops:\n  ops:\n",
		"unknown field": "users:\n  - name: x\n    password: hunter2\n",
		"two documents": "teams: {}\n---\nteams: {}\n",
	} {
		if _, err := teamvault.ParseTeam("team.yaml", []byte(team)); !errors.Is(err, teamvault.ErrInvalid) {
			t.Errorf("ParseTeam(%s): %v; want ErrInvalid", name, err)
		} else if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error carries a value: %v", err)
		}
	}
}
