package access_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/opskit-dev/opskit/access"
)

// TestTeamFileStrict covers issue 9 item 7 and 8: a team file is read one
// way only, and what it grants that reaches root is said explicitly.
func TestTeamFileStrict(t *testing.T) {
	key := newEd25519Line(t, "k")
	key2 := newEd25519Line(t, "k2")
	head := "teams: {dev: {}}\nusers:\n"
	cases := []struct {
		name string
		body string
		// want are substrings of the error; nil means the file loads.
		want []string
		line int
		user string
	}{
		{"duplicate name", fmt.Sprintf("  - name: alice\n    name: root\n    teams: [dev]\n    keys: [%q]\n", key), []string{`duplicate key "name" (first on line 3)`}, 4, ""},
		{"duplicate sudo", fmt.Sprintf("  - name: alice\n    sudo: false\n    teams: [dev]\n    keys: [%q]\n    sudo: true\n", key), []string{`duplicate key "sudo"`}, 7, ""},
		{"second users", fmt.Sprintf("  - {name: alice, teams: [dev], keys: [%q]}\nusers:\n  - {name: root, teams: [dev], keys: [%q]}\n", key, key2), []string{`duplicate key "users"`}, 4, ""},
		{"duplicate team", "  - {name: alice, teams: [dev]}\nhost_groups:\n  web: {teams: [dev]}\n  web: {teams: []}\n", []string{`duplicate key "web"`}, 6, ""},
		{"alias", fmt.Sprintf("  - {name: &n alice, teams: [dev], keys: [%q]}\n  - {name: *n, teams: [dev]}\n", key), []string{"anchor &n", "alias *n"}, 3, ""},
		{"merge key", "  - &base {name: alice, teams: [dev]}\n  - {<<: *base, name: bob}\n", []string{"anchor &base", "alias *base"}, 3, ""},
		{"explicit tag", "  - {name: !!str alice, teams: [dev]}\n", []string{"explicit tag !!str"}, 3, ""},
		{"second document", "  - {name: alice, teams: [dev]}\n---\nusers:\n  - {name: root, teams: [dev]}\n", []string{"a second YAML document"}, 4, ""},
		{"privileged group refused", "  - {name: alice, teams: [dev], groups: [docker, devs]}\n", []string{`"docker" is a privileged group`, "privileged_groups"}, 3, "alice"},
		{"privileged group allowed", "  - {name: alice, teams: [dev], groups: [docker, devs], privileged_groups: [docker]}\n", nil, 0, ""},
		{"privileged_groups not in groups", "  - {name: alice, teams: [dev], groups: [devs], privileged_groups: [shadow]}\n", []string{`"shadow" is not in this user's groups`}, 3, "alice"},
		{"privileged_groups not privileged", "  - {name: alice, teams: [dev], groups: [devs], privileged_groups: [devs]}\n", []string{`"devs" is not a privileged group`}, 3, "alice"},
		{"unlisted shell", "  - {name: alice, teams: [dev], shell: /tmp/sh}\n", []string{"/tmp/sh is not a known login shell", "allow_unlisted_shell"}, 3, "alice"},
		{"unlisted shell allowed", "  - {name: alice, teams: [dev], shell: /usr/sbin/nologin, allow_unlisted_shell: true}\n", nil, 0, ""},
		{"listed shell", "  - {name: alice, teams: [dev], shell: /usr/bin/zsh}\n", nil, 0, ""},
		{"1 MiB key comment", fmt.Sprintf("  - {name: alice, teams: [dev], keys: [%q]}\n", key+strings.Repeat("x", 1<<20)), []string{"key 1: invalid public key: line is", "MaxKeyLineLen"}, 3, "alice"},
		{"long key comment", fmt.Sprintf("  - {name: alice, teams: [dev], keys: [%q]}\n", key+strings.Repeat("x", access.MaxKeyCommentLen)), []string{"key 1: invalid public key: key SHA256:", "comment is 1025 bytes"}, 3, "alice"},
		{"longest key comment", fmt.Sprintf("  - {name: alice, teams: [dev], keys: [%q]}\n", newEd25519Line(t, strings.Repeat("x", access.MaxKeyCommentLen))), nil, 0, ""},
		{"empty name", "  - {name: \"\", teams: [dev]}\n", []string{"name: invalid user name: empty"}, 3, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tf, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(head+c.body), access.LoadOptions{})
			if c.want == nil {
				if err != nil {
					t.Fatalf("ParseTeamFile: %v", err)
				}
				return
			}
			if err == nil || tf != nil {
				t.Fatalf("ParseTeamFile = %v, nil; want an error", tf)
			}
			var verrs access.ValidationErrors
			if !errors.As(err, &verrs) || !errors.Is(err, access.ErrInvalidField) && !errors.Is(err, access.ErrInvalidKey) && !errors.Is(err, access.ErrInvalidUserName) {
				t.Fatalf("err = %v; want ValidationErrors", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
			if verrs[0].Line != c.line || verrs[0].User != c.user {
				t.Errorf("first error at line %d user %q; want line %d user %q:\n%v", verrs[0].Line, verrs[0].User, c.line, c.user, err)
			}
			if c.name == "empty name" && len(verrs) != 1 {
				t.Errorf("empty name gave %d errors; want 1:\n%v", len(verrs), err)
			}
		})
	}

	tf, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(head+"  - {name: alice, teams: [dev], groups: [docker, devs], privileged_groups: [docker], shell: /opt/sh, allow_unlisted_shell: true}\n"), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if u := tf.User("alice"); fmt.Sprintf("%v %v %v %v", u.Groups, u.PrivilegedGroups, u.Shell, u.AllowUnlistedShell) != "[docker devs] [docker] /opt/sh true" {
		t.Errorf("alice = %+v", u)
	}
}

// TestTeamFileSizeLimit checks that an oversized team file is refused
// without being read: a 256 MiB sparse file costs about the limit (the
// bound leaves room for what other goroutines allocate meanwhile).
func TestTeamFileSizeLimit(t *testing.T) {
	if _, err := access.ParseTeamFile(context.Background(), "big.yaml", make([]byte, access.MaxTeamFileSize+1), access.LoadOptions{}); !errors.Is(err, access.ErrInvalidField) || !strings.Contains(err.Error(), "MaxTeamFileSize") {
		t.Fatalf("ParseTeamFile over the limit: %v", err)
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.yaml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("teams: {dev: {}}\n# "); err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(256 << 20); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = access.LoadTeamFile(context.Background(), big, access.LoadOptions{})
	runtime.ReadMemStats(&after)
	if !errors.Is(err, access.ErrInvalidField) || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("LoadTeamFile of 256 MiB: %v", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16*access.MaxTeamFileSize {
		t.Errorf("LoadTeamFile allocated %d bytes for a 256 MiB file; want it to stop at the limit", alloc)
	}
	// Exactly at the limit is read (and then fails on its content, not its size).
	at := filepath.Join(dir, "at.yaml")
	if err := os.WriteFile(at, append([]byte("teams: {dev: {}}\n#"), make([]byte, access.MaxTeamFileSize-18)...), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := access.LoadTeamFile(context.Background(), at, access.LoadOptions{}); err != nil && strings.Contains(err.Error(), "larger than") {
		t.Fatalf("a file of exactly MaxTeamFileSize bytes was refused for its size: %v", err)
	}
	// A FIFO would block the reader: refused before reading.
	fifo := filepath.Join(dir, "fifo.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	if _, err := access.LoadTeamFile(context.Background(), fifo, access.LoadOptions{}); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("LoadTeamFile of a FIFO: %v", err)
	}
}

// TestValidateUserNameRunes covers issue 20 item 16: the character is
// reported as it is, not as its first byte.
func TestValidateUserNameRunes(t *testing.T) {
	for name, want := range map[string]string{
		"\u0430lice": `character 1 ('а', U+0430)`,
		"al\u0456ce": `character 3 ('і', U+0456)`,
		"a\xffb":     "character 2 is the invalid UTF-8 byte 0xff",
		"bad name":   `character 4 (' ', U+0020)`,
		"":           "empty",
	} {
		err := access.ValidateUserName(name)
		if !errors.Is(err, access.ErrInvalidUserName) || !strings.Contains(err.Error(), want) {
			t.Errorf("ValidateUserName(%q) = %v; want %q", name, err, want)
		}
	}
}
