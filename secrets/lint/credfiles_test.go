package lint

import (
	"testing"
)

// TestCredentialFile separates credential files from their public and
// template neighbours.
func TestCredentialFile(t *testing.T) {
	for p, want := range map[string]bool{
		"id_rsa": true, "keys/id_ed25519": true, ".env": true, ".env.production": true, ".npmrc": true, ".pgpass": true,
		"credentials.json": true, "/root/.aws/credentials": true, "server.key": true, "gcp-sa-key.json": true, ".ssh": true,
		"id_rsa.pub": false, ".env.example": false, "credentials.py": false, "known_hosts": false, "ca.pem": false,
		"nodesource.gpg.key": false, "credentials": false, "config.json": false, "secrets.yml.example": false,
	} {
		if _, got := credentialFile(p); got != want {
			t.Errorf("credentialFile(%q) = %v, want %v", p, got, want)
		}
	}
}
