package tlsconf_test

import (
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/internal/tlsconf"
)

func TestClientDefaults(t *testing.T) {
	var nilConfig *tlsconf.Config
	for name, c := range map[string]*tlsconf.Config{"nil": nilConfig, "zero": {}} {
		got, err := c.Client("db.example.com")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.MinVersion != tls.VersionTLS12 || got.ServerName != "db.example.com" || got.InsecureSkipVerify || got.RootCAs != nil {
			t.Errorf("%s: Client = min %x name %q insecure %v roots %v; want TLS 1.2, db.example.com, verified, system roots",
				name, got.MinVersion, got.ServerName, got.InsecureSkipVerify, got.RootCAs)
		}
	}
}

func TestClientServerNameOverridesHost(t *testing.T) {
	got, err := (&tlsconf.Config{ServerName: "rabbit.internal"}).Client("10.0.0.1")
	if err != nil || got.ServerName != "rabbit.internal" {
		t.Fatalf("Client = %q, %v; want rabbit.internal", got.ServerName, err)
	}
}

func TestClientBaseIsClonedNotChanged(t *testing.T) {
	base := &tls.Config{ServerName: "base.example", MinVersion: tls.VersionTLS13}
	c := tlsconf.FromTLS(base)
	got, err := c.Client("other")
	if err != nil {
		t.Fatal(err)
	}
	if got == base || got.ServerName != "base.example" || got.MinVersion != tls.VersionTLS13 {
		t.Errorf("Client = %p %q %x; want a clone keeping base.example and TLS 1.3", got, got.ServerName, got.MinVersion)
	}
	got.ServerName = "changed"
	if base.ServerName != "base.example" {
		t.Error("Client changed its Base")
	}
}

func TestClientRaisesOldBaseToTLS12(t *testing.T) {
	got, err := tlsconf.FromTLS(&tls.Config{MinVersion: tls.VersionTLS10}).Client("h")
	if err != nil || got.MinVersion != tls.VersionTLS12 {
		t.Fatalf("Client = %x, %v; want TLS 1.2", got.MinVersion, err)
	}
}

func TestVerificationOffOnlyByTheLoudSwitch(t *testing.T) {
	_, err := tlsconf.FromTLS(&tls.Config{InsecureSkipVerify: true}).Client("h")
	var ce *tlsconf.ConfigError
	if !errors.As(err, &ce) || ce.Field != "Base" {
		t.Fatalf("Base with InsecureSkipVerify: err = %v; want a ConfigError on Base", err)
	}
	got, err := (&tlsconf.Config{InsecureSkipVerifyDangerous: true}).Client("h")
	if err != nil || !got.InsecureSkipVerify {
		t.Fatalf("InsecureSkipVerifyDangerous: InsecureSkipVerify = %v, %v; want true", got.InsecureSkipVerify, err)
	}
}

func TestConfigErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	ca := testenv.NewTestCA(t, "config test CA")
	cert, _ := ca.Issue(t, testenv.Leaf{CommonName: "client", Client: true})
	_, otherKey := ca.Issue(t, testenv.Leaf{CommonName: "other", Client: true})
	for _, tc := range []struct {
		name  string
		c     tlsconf.Config
		field string
		want  string
	}{
		{"missing CA file", tlsconf.Config{CAFile: filepath.Join(dir, "nope.pem")}, "CAFile", "nope.pem: does not exist"},
		{"CA file without PEM", tlsconf.Config{CAFile: garbage}, "CAFile", "garbage.pem: holds no PEM certificate"},
		{"CA PEM without PEM", tlsconf.Config{CAPEM: []byte("junk")}, "CAPEM", "holds no PEM certificate"},
		{"cert without key", tlsconf.Config{CertFile: garbage}, "CertFile", "go together"},
		{"files and PEM", tlsconf.Config{CertFile: garbage, KeyFile: garbage, CertPEM: cert, KeyPEM: otherKey}, "CertFile", "not both"},
		{"key of another cert", tlsconf.Config{CertPEM: cert, KeyPEM: otherKey}, "CertPEM", "does not match"},
		{"TLS 1.0", tlsconf.Config{MinVersion: tls.VersionTLS10}, "MinVersion", "below TLS 1.2"},
	} {
		_, err := tc.c.Client("h")
		var ce *tlsconf.ConfigError
		if !errors.As(err, &ce) {
			t.Errorf("%s: err = %v; want *ConfigError", tc.name, err)
			continue
		}
		if tc.field != "" && ce.Field != tc.field || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tls: ") {
			t.Errorf("%s: err = %q (field %s); want field %s and %q", tc.name, err, ce.Field, tc.field, tc.want)
		}
		if strings.Contains(err.Error(), "PRIVATE KEY") {
			t.Errorf("%s: err quotes key material: %q", tc.name, err)
		}
	}
}

func TestClientLoadsFiles(t *testing.T) {
	ca := testenv.NewTestCA(t, "files CA")
	cert, key := ca.Issue(t, testenv.Leaf{CommonName: "client", Client: true})
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c := tlsconf.Config{CAFile: write("ca.pem", ca.CAPEM), CertFile: write("c.pem", cert), KeyFile: write("k.pem", key)}
	got, err := c.Client("h")
	if err != nil {
		t.Fatal(err)
	}
	if got.RootCAs == nil || len(got.Certificates) != 1 {
		t.Fatalf("Client: roots %v, %d certificates; want the CA and one client certificate", got.RootCAs, len(got.Certificates))
	}
}
