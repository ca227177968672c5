package lint

import (
	"strings"
	"testing"
)

// TestEvidenceNeverShowsSecret: a secret written in a form the redaction
// does not replace (escaped quotes, a line continuation) never reaches
// the evidence.
func TestEvidenceNeverShowsSecret(t *testing.T) {
	l := New(Options{})
	for _, c := range []struct{ src, secret string }{
		{"FROM scratch\nENV DB_PASSWORD=\"Zq8r\\\"T2mWx9LpV4s\"\n", `Zq8r\"T2mWx9LpV4s`},
		{"FROM scratch\nENV DB_PASSWORD=Zq8rT2mWx9\\\nLpV4sKd7NfB3\n", "Zq8rT2mWx9"},
	} {
		f, err := l.Dockerfile("Dockerfile", []byte(c.src))
		if err != nil {
			t.Fatalf("%q: %v", c.src, err)
		}
		failed := false
		for _, x := range f {
			if x.Status == StatusFail {
				failed = true
				if strings.Contains(x.Evidence, c.secret) || strings.Contains(x.Evidence, "T2mWx9") {
					t.Errorf("%q: evidence shows the secret: %s", c.src, x.Evidence)
				}
			}
		}
		if !failed {
			t.Errorf("%q: no failure", c.src)
		}
	}
}
