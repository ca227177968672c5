package access_test

import (
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"golang.org/x/crypto/ssh"
)

func FuzzUserName(f *testing.F) {
	for _, s := range []string{"alice", "_svc", "-rf", "a;b", "$(id)", "`id`", "a\nb", "root", "Ab", "1a", "a-b_c9", strings.Repeat("z", 33), "a'b\"c", "a b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if access.ValidateUserName(name) != nil {
			return
		}
		if len(name) == 0 || len(name) > 32 {
			t.Fatalf("accepted %q of length %d", name, len(name))
		}
		if name[0] == '-' || name[0] >= '0' && name[0] <= '9' {
			t.Fatalf("accepted %q with a bad first character", name)
		}
		for _, c := range []byte(name) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
				t.Fatalf("accepted %q with %q", name, c)
			}
		}
	})
}

func FuzzAuthorizedKey(f *testing.F) {
	ed := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGr5d5Ad6aAOlR3r6Q0iU3Q+pNwV0ERj0j3vS8Jw3WcX"
	for _, s := range []string{
		ed, ed + " alice@laptop", `command="id" ` + ed, ed + "\n" + ed, ed + "\r\nx", "restrict " + ed,
		ed + " $(touch /tmp/x)", ed + " `id`;", "ssh-dss AAAA", "", "#", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC",
		`from="10.0.0.1",no-pty ` + ed, ed + " \x00", "  " + ed + "  ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		k, err := access.ParseKey(line, access.KeyPolicy{})
		if err != nil {
			return
		}
		out := k.AuthorizedLine()
		if strings.ContainsAny(out, "\n\r\x00") {
			t.Fatalf("AuthorizedLine(%q) = %q carries a line break", line, out)
		}
		if strings.ContainsAny(line, "\n\r\x00") {
			t.Fatalf("accepted %q carrying a line break", line)
		}
		pub, _, opts, rest, err := ssh.ParseAuthorizedKey([]byte(out))
		if err != nil || len(opts) > 0 || len(strings.TrimSpace(string(rest))) > 0 {
			t.Fatalf("output %q does not re-parse cleanly: %v %v %q", out, err, opts, rest)
		}
		if string(pub.Marshal()) != string(k.PublicKey.Marshal()) {
			t.Fatalf("output %q is a different key", out)
		}
		if pub.Type() == "ssh-dss" || strings.Contains(pub.Type(), "cert") {
			t.Fatalf("accepted %s", pub.Type())
		}
	})
}
