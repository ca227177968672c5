package sshhost

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"golang.org/x/crypto/ssh"
)

func TestScriptIsQuotable(t *testing.T) {
	if strings.Contains(script, "'") {
		t.Fatal("host.sh contains a single quote; it is sent inside single quotes")
	}
	h := &Host{cfg: Config{}}
	for _, op := range [][2]string{{"snapshot", ""}, {"snapshot", "nokeys"}, {"apply", ""}, {"facts", ""}} {
		want := strings.TrimSpace("' opskit-access " + op[0] + " " + op[1])
		if c := h.command(op[0], op[1]); !strings.HasPrefix(c, "/bin/sh -c '") || !strings.HasSuffix(c, want) {
			t.Fatalf("command for %s %s is not the constant form", op[0], op[1])
		}
	}
}

func TestNewRequiresHostKeyCheck(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	s, _ := ssh.NewSignerFromKey(priv)
	auth := []ssh.AuthMethod{ssh.PublicKeys(s)}
	if _, err := New("127.0.0.1:22", Config{Auth: auth}); !errors.Is(err, ErrNoHostKeyCheck) {
		t.Fatalf("New without host key check: %v", err)
	}
	if _, err := New("127.0.0.1:22", Config{Auth: auth, KnownHostsFile: "/nonexistent/known_hosts"}); err == nil {
		t.Fatal("missing known_hosts file accepted")
	}
	if _, err := New("127.0.0.1:22", Config{Auth: auth, InsecureIgnoreHostKey: true}); err != nil {
		t.Fatalf("InsecureIgnoreHostKey: %v", err)
	}
	if _, err := New("127.0.0.1:22", Config{InsecureIgnoreHostKey: true}); !errors.Is(err, access.ErrInvalidOption) {
		t.Fatalf("no auth: %v", err)
	}
}

func TestParseApplyTruncated(t *testing.T) {
	ops := []access.Op{{Kind: access.OpRemoveUser, User: "a"}, {Kind: access.OpRemoveUser, User: "b"}}
	if _, err := parseApply([]byte("ok 1\n"), ops); err == nil {
		t.Fatal("output without END accepted")
	}
	res, err := parseApply([]byte("ok 1\nerr 2 3 user b exists and is not managed by opskit\nEND\n"), ops)
	if err != nil || res[0].Err != nil || !errors.Is(res[1].Err, access.ErrNotManaged) {
		t.Fatalf("parseApply = %v, %v", res, err)
	}
}

// TestPreamble: the script host.sh runs with sets every path from package
// access, passes shellcheck's parse as a whole (sh -n), and carries the
// editor and its awk programs unchanged.
func TestPreamble(t *testing.T) {
	for _, want := range []string{
		`KEYSTORE="` + access.RootKeysDir + `"`, `CAFILE="` + access.CAKeysFile + `"`, `REVOKED="` + access.RevokedKeysFile + `"`,
		`PRINCIPALS="` + access.PrincipalsDir + `"`, `SUDOERS="` + access.SudoersPrefix + `"`, `KEYSGROUP="` + access.KeysGroup + `"`,
		`MARK="` + access.ManagedMarker + `"`, `DROPIN="` + access.CADropIn + `"`, `KEYSCONF="` + access.KeysDropIn + `"`,
	} {
		if !strings.Contains(script, want+"\n") {
			t.Errorf("script lacks %s", want)
		}
	}
	for _, f := range []string{deleditEditor, deleditCommon, deleditDrop, deleditGroup, deleditGshadow, deleditSubid} {
		if !strings.Contains(script, strings.TrimSuffix(f, "\n")) {
			t.Errorf("script lacks %.40q", f)
		}
	}
	for _, p := range []string{"/etc/ssh/opskit", "/etc/sudoers.d/opskit-"} {
		if strings.Contains(hostScript, p) {
			t.Errorf("host.sh spells out %s; use the preamble's variables", p)
		}
	}
	if out, err := exec.Command("sh", "-n", "-c", script).CombinedOutput(); err != nil {
		t.Fatalf("sh -n: %v %s", err, out)
	}
}
