package sshhost

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
)

func TestParseFactsMatch(t *testing.T) {
	b := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	out := strings.Join([]string{
		"SSHD\t0\t" + b("permitrootlogin without-password\npasswordauthentication no\n"),
		"MATCH\troot\t127.0.0.1\t0\t=",
		"MATCH\troot\t10.0.0.1\t0\t" + b("permitrootlogin yes\npasswordauthentication no\n"),
		"MATCH\talice\t2001:db8::1\t1\t" + b("bad Match line\n"),
		"LISTS\t0",
		"APT\t0\t",
		"REBOOT\t0\t",
		"END",
	}, "\n") + "\n"
	f, err := parseFacts([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.SSHDMatches) != 3 {
		t.Fatalf("matches = %+v", f.SSHDMatches)
	}
	m := f.SSHDMatches
	if m[0].User != "root" || m[0].Addr != "127.0.0.1" || m[0].Settings["permitrootlogin"][0] != "without-password" {
		t.Errorf("same-as-global match = %+v", m[0])
	}
	m[0].Settings["permitrootlogin"][0] = "changed"
	if f.SSHD["permitrootlogin"][0] != "without-password" {
		t.Error("a match's settings share storage with the global settings")
	}
	if m[1].Settings["permitrootlogin"][0] != "yes" {
		t.Errorf("match from 10.0.0.1 = %+v", m[1])
	}
	if m[2].Error != "bad Match line" || m[2].Settings != nil || m[2].Addr != "2001:db8::1" {
		t.Errorf("failed match = %+v", m[2])
	}
	if _, err := parseFacts([]byte("MATCH\troot\t1.2.3.4\nEND\n")); err == nil {
		t.Error("short MATCH line accepted")
	}
}

// TestProbeAddrsMatchScript: the host script evaluates Match blocks from
// exactly access.SSHDProbeAddrs.
func TestProbeAddrsMatchScript(t *testing.T) {
	want := `PROBE_ADDRS="` + strings.Join(access.SSHDProbeAddrs, " ") + `"`
	if !strings.Contains(script, want) {
		t.Fatalf("host.sh does not set %s", want)
	}
}
