package main

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestConfigFileAndFlags: flags add to the file's targets, paths in the
// file are relative to it, and defaults are filled in.
func TestConfigFileAndFlags(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "harden.yaml")
	writeFile(t, p, "ssh:\n  identity_file: keys/id\n  known_hosts: /etc/ssh/known\n  hosts:\n    - {address: 10.0.0.5}\naws: {}\nscan: [.]\ntls:\n  - {addr: \"api:443\", ca_file: ca.pem}\n")
	o := &options{config: p, postgres: "env", ssh: stringList{"web2=10.0.0.6:2222"}, tls: stringList{"db:5432"}}
	c, _, err := loadConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	if c.Postgres == nil || c.Postgres.DSN != "" {
		t.Errorf("--postgres env: %+v; want an empty DSN (the PG* variables)", c.Postgres)
	}
	wantHosts := []hostRef{{Name: "10.0.0.5:22", Address: "10.0.0.5:22"}, {Name: "web2", Address: "10.0.0.6:2222"}}
	if !slices.Equal(c.SSH.Hosts, wantHosts) {
		t.Errorf("hosts %+v; want %+v", c.SSH.Hosts, wantHosts)
	}
	if c.SSH.IdentityFile != filepath.Join(dir, "keys/id") || c.SSH.KnownHosts != "/etc/ssh/known" {
		t.Errorf("ssh paths %q %q; want relative to the file, absolute kept", c.SSH.IdentityFile, c.SSH.KnownHosts)
	}
	if !slices.Equal(c.AWS.Audits, awsAudits) {
		t.Errorf("aws audits %v; want all by default", c.AWS.Audits)
	}
	if !slices.Equal(c.Scan, []string{dir}) || len(c.TLS) != 2 || c.TLS[0].CAFile != filepath.Join(dir, "ca.pem") || c.TLS[1].Addr != "db:5432" {
		t.Errorf("scan %v, tls %+v", c.Scan, c.TLS)
	}
	if c.empty() {
		t.Error("empty() with targets")
	}
	if c, _, err := loadConfig(&options{}); err != nil || !c.empty() {
		t.Errorf("no flags, no file: %v, empty %v; want the demo world", err, c.empty())
	}
}
