package access_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"golang.org/x/crypto/ssh"
)

func newEd25519Line(t testing.TB, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp))) + " " + comment
}

func readTestdata(t testing.TB, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestParseKey(t *testing.T) {
	ed := newEd25519Line(t, "alice@laptop")
	rsa2048 := readTestdata(t, "rsa2048.pub")
	rsa3072 := readTestdata(t, "rsa3072.pub")
	dsa := readTestdata(t, "dsa.pub")
	edKey := strings.Join(strings.Fields(ed)[:2], " ")
	cases := []struct {
		name   string
		line   string
		policy access.KeyPolicy
		want   error
	}{
		{"ed25519", ed, access.KeyPolicy{}, nil},
		{"ed25519 no comment", edKey, access.KeyPolicy{}, nil},
		{"rsa3072", rsa3072, access.KeyPolicy{}, nil},
		{"rsa2048 default", rsa2048, access.KeyPolicy{}, access.ErrWeakKey},
		{"rsa2048 lowered", rsa2048, access.KeyPolicy{MinRSABits: 2048}, nil},
		{"policy below 2048", rsa2048, access.KeyPolicy{MinRSABits: 1024}, access.ErrInvalidOption},
		{"dsa", dsa, access.KeyPolicy{}, access.ErrWeakKey},
		{"command option", `command="touch /tmp/x" ` + ed, access.KeyPolicy{}, access.ErrKeyOptions},
		{"from option", `from="*" ` + ed, access.KeyPolicy{}, access.ErrKeyOptions},
		{"restrict option", `restrict ` + ed, access.KeyPolicy{}, access.ErrKeyOptions},
		{"newline second key", ed + "\n" + rsa3072, access.KeyPolicy{}, access.ErrKeySmuggling},
		{"newline option", ed + "\ncommand=\"id\" " + edKey, access.KeyPolicy{}, access.ErrKeySmuggling},
		{"carriage return", ed + "\r", access.KeyPolicy{}, access.ErrKeySmuggling},
		{"nul", ed + "\x00", access.KeyPolicy{}, access.ErrKeySmuggling},
		{"garbage", "ssh-ed25519 notbase64", access.KeyPolicy{}, access.ErrInvalidKey},
		{"empty", "", access.KeyPolicy{}, access.ErrInvalidKey},
		{"comment only", "# nothing", access.KeyPolicy{}, access.ErrInvalidKey},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			k, err := access.ParseKey(c.line, c.policy)
			if c.want == nil {
				if err != nil {
					t.Fatalf("ParseKey = %v; want ok", err)
				}
				if strings.ContainsAny(k.AuthorizedLine(), "\n\r") {
					t.Fatalf("AuthorizedLine carries a newline: %q", k.AuthorizedLine())
				}
				return
			}
			if !errors.Is(err, c.want) {
				t.Fatalf("ParseKey = %v; want %v", err, c.want)
			}
		})
	}
}

func TestParseKeyNeutralizesComment(t *testing.T) {
	ed := newEd25519Line(t, "x; touch /tmp/pwn $(id) `id` 'q' \"d\"")
	k, err := access.ParseKey(ed, access.KeyPolicy{})
	if err != nil {
		t.Fatal(err)
	}
	// The comment stays a comment: the line re-parses to the same key with no
	// options.
	pub, _, opts, rest, err := ssh.ParseAuthorizedKey([]byte(k.AuthorizedLine()))
	if err != nil || len(opts) != 0 || len(rest) != 0 || !bytesEqual(pub.Marshal(), k.PublicKey.Marshal()) {
		t.Fatalf("re-parse: %v opts=%v rest=%q", err, opts, rest)
	}
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

func TestValidateUserName(t *testing.T) {
	good := []string{"alice", "_svc", "a", "bob-smith", "x_1", strings.Repeat("a", 32)}
	bad := []string{"", "Alice", "1abc", "-rf", "a b", "a;b", "$(id)", "`id`", "a'b", "a\nb", "évé", "a/b", "a.b", strings.Repeat("a", 33), "a$"}
	for _, n := range good {
		if err := access.ValidateUserName(n); err != nil {
			t.Errorf("ValidateUserName(%q) = %v; want ok", n, err)
		}
	}
	for _, n := range bad {
		if err := access.ValidateUserName(n); !errors.Is(err, access.ErrInvalidUserName) {
			t.Errorf("ValidateUserName(%q) = %v; want ErrInvalidUserName", n, err)
		}
	}
}

func TestParseTeamFile(t *testing.T) {
	alice := newEd25519Line(t, "alice@laptop")
	bob := newEd25519Line(t, "bob@laptop")
	data := fmt.Sprintf(`teams:
  backend:
    description: Backend engineers
  ops: {}
users:
  - name: alice
    teams: [backend]
    keys:
      - %s
    sudo: true
    groups: [adm]
    privileged_groups: [adm]
    expires: 2099-01-31
  - name: bob
    teams: [ops]
    shell: /bin/sh
    keys: ["%s"]
host_groups:
  web:
    teams: [backend]
  db:
    teams: [backend, ops]
`, alice, bob)
	tf, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(data), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := tf.User("alice")
	if a == nil || !a.Sudo || a.Shell != access.DefaultShell || len(a.Keys) != 1 || a.Line != 6 || a.Keys[0].Line != 9 {
		t.Fatalf("alice = %+v", a)
	}
	web, err := tf.UsersFor([]string{"web"}, time.Now())
	if err != nil || len(web) != 1 || web[0].Name != "alice" {
		t.Fatalf("UsersFor(web) = %v, %v", web, err)
	}
	db, _ := tf.UsersFor([]string{"db"}, time.Now())
	if len(db) != 2 {
		t.Fatalf("UsersFor(db) = %d users; want 2", len(db))
	}
	after, _ := tf.UsersFor([]string{"db"}, time.Date(2099, 2, 1, 0, 0, 0, 0, time.UTC))
	if len(after) != 1 || after[0].Name != "bob" {
		t.Fatalf("after alice's expiry: %v", after)
	}
	if _, err := tf.UsersFor([]string{"nope"}, time.Now()); !errors.Is(err, access.ErrUnknownHostGroup) {
		t.Fatalf("unknown host group: %v", err)
	}
}

func TestParseTeamFileErrors(t *testing.T) {
	alice := newEd25519Line(t, "alice")
	rsa2048 := readTestdata(t, "rsa2048.pub")
	data := fmt.Sprintf(`teams:
  backend: {}
users:
  - name: alice
    teams: [backend, frontend]
    keys:
      - %[1]s
      - 'command="id" %[1]s'
  - name: Bob
    keys: ["%[2]s"]
  - name: carol
    keys:
      - %[1]s
    expires: tomorrow
    colour: blue
  - name: alice
host_groups:
  web:
    teams: [nobody]
`, alice, rsa2048)
	_, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(data), access.LoadOptions{})
	var verrs access.ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("err = %v; want ValidationErrors", err)
	}
	want := []struct {
		line int
		user string
		err  error
	}{
		{5, "alice", access.ErrUnknownTeam},
		{8, "alice", access.ErrKeyOptions},
		{9, "Bob", access.ErrInvalidUserName},
		{10, "Bob", access.ErrWeakKey},
		{13, "carol", access.ErrDuplicateKey},
		{14, "carol", access.ErrInvalidField},
		{15, "carol", access.ErrInvalidField},
		{16, "alice", access.ErrDuplicateUser},
		{19, "", access.ErrUnknownTeam},
	}
	for _, w := range want {
		found := false
		for _, e := range verrs {
			if e.Line == w.line && e.User == w.user && errors.Is(e, w.err) {
				found = true
			}
		}
		if !found {
			t.Errorf("missing error line %d user %q %v; got:\n%v", w.line, w.user, w.err, err)
		}
	}
	if len(verrs) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(verrs), len(want), err)
	}
	if !strings.Contains(err.Error(), "team.yaml:8: user \"alice\": key 2:") {
		t.Errorf("error text lacks file:line user field: %v", err)
	}
}

func TestGitHubKeys(t *testing.T) {
	alice1 := newEd25519Line(t, "gh1")
	alice2 := newEd25519Line(t, "gh2")
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/alice.keys":
			fmt.Fprintf(w, "%s\n%s\n", alice1, alice2)
		case "/mallory.keys":
			fmt.Fprintf(w, "command=\"id\" %s\n", alice1)
		case "/empty.keys":
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	now := time.Now()
	gh := access.NewGitHubKeys(access.GitHubOptions{BaseURL: srv.URL, Client: srv.Client(), TTL: time.Minute, Now: func() time.Time { return now }})
	ctx := context.Background()
	data := "teams: {dev: {}}\nusers:\n  - name: alice\n    teams: [dev]\n    keys: [\"github:alice\"]\n"
	tf, err := access.ParseTeamFile(ctx, "t.yaml", []byte(data), access.LoadOptions{Fetcher: gh})
	if err != nil {
		t.Fatal(err)
	}
	if ks := tf.User("alice").Keys; len(ks) != 2 || ks[0].Source != "github:alice" {
		t.Fatalf("keys = %+v", ks)
	}
	if _, err := access.ParseTeamFile(ctx, "t.yaml", []byte(data), access.LoadOptions{Fetcher: gh}); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 1 {
		t.Fatalf("server hits = %d; want 1 (cached)", hits.Load())
	}
	now = now.Add(2 * time.Minute)
	if _, err := gh.FetchKeys(ctx, "alice"); err != nil || hits.Load() != 2 {
		t.Fatalf("after TTL: err=%v hits=%d; want refetch", err, hits.Load())
	}
	for account, want := range map[string]error{
		"mallory":  access.ErrKeyOptions,
		"nobody":   access.ErrFetchKeys,
		"empty":    access.ErrFetchKeys,
		"../admin": access.ErrFetchKeys,
		"a%2fb":    access.ErrFetchKeys,
		"-leading": access.ErrFetchKeys,
	} {
		d := strings.Replace(data, "github:alice", "github:"+account, 1)
		_, err := access.ParseTeamFile(ctx, "t.yaml", []byte(d), access.LoadOptions{Fetcher: gh})
		if !errors.Is(err, want) {
			t.Errorf("github:%s: err = %v; want %v", account, err, want)
		}
	}
	if _, err := access.ParseTeamFile(ctx, "t.yaml", []byte(data), access.LoadOptions{}); !errors.Is(err, access.ErrFetchKeys) {
		t.Errorf("no fetcher: %v", err)
	}
}
