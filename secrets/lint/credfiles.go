package lint

import (
	"path"
	"regexp"
	"strings"
)

// publicKeyName matches key files that are public by convention.
var publicKeyName = regexp.MustCompile(`gpg|apt|repo|archive|release|public|pub|signing|trusted|keyring|ca[-_.]`)

// credentialNames are file names that hold credentials.
var credentialNames = map[string]string{
	"id_rsa": "SSH private key", "id_dsa": "SSH private key", "id_ecdsa": "SSH private key", "id_ed25519": "SSH private key",
	"id_ecdsa_sk": "SSH private key", "id_ed25519_sk": "SSH private key", ".ssh": "SSH directory", ".gnupg": "GnuPG directory",
	".env": "env file", ".npmrc": "npm credentials", ".yarnrc.yml": "Yarn credentials", ".pypirc": "PyPI credentials",
	".pgpass": "PostgreSQL password file", ".my.cnf": "MySQL option file", ".netrc": "netrc credentials", "_netrc": "netrc credentials",
	".git-credentials": "git credentials", ".dockercfg": "Docker registry credentials", "credentials.json": "cloud credentials",
	"credentials": "credentials file", "client_secret.json": "OAuth client secret", "client_secrets.json": "OAuth client secret",
	"service-account.json": "cloud service account key", "service_account.json": "cloud service account key",
	"serviceaccount.json": "cloud service account key", ".htpasswd": "htpasswd file", "htpasswd": "htpasswd file",
	".vault-token": "Vault token", "master.key": "Rails master key", "secrets.yml": "secrets file", "secrets.yaml": "secrets file",
	"secrets.json": "secrets file", ".s3cfg": "S3 credentials", ".boto": "cloud credentials", "kubeconfig": "kubeconfig",
	"terraform.tfstate": "Terraform state", "privkey.pem": "private key", "private.pem": "private key", "key.pem": "private key",
	".kube": "kubeconfig directory", ".aws": "AWS credentials directory", ".docker": "Docker config directory",
}

// templateSuffixes mark a file that holds placeholders, not values:
// .env.example, secrets.yml.template.
var templateSuffixes = []string{".example", ".sample", ".template", ".tmpl", ".tpl", ".dist", ".defaults", ".default", ".schema", ".pub"}

// credentialFile reports what kind of credential file p names, if any.
func credentialFile(p string) (string, bool) {
	p = strings.TrimSuffix(strings.ReplaceAll(unquote(p), `\`, "/"), "/")
	base := strings.ToLower(path.Base(p))
	for _, s := range templateSuffixes {
		if strings.HasSuffix(base, s) {
			return "", false
		}
	}
	switch {
	case credentialNames[base] != "":
		if base == "credentials" && !strings.Contains(p, ".aws") {
			return "", false
		}
		return credentialNames[base], true
	case strings.HasPrefix(base, ".env."), strings.HasSuffix(base, ".env") && base != ".env":
		return "env file", true
	case strings.HasPrefix(base, "id_rsa"), strings.HasPrefix(base, "id_ed25519"), strings.HasPrefix(base, "id_ecdsa"):
		return "SSH private key", true
	case strings.Contains(p, "/.ssh/") && !strings.Contains(base, "known_hosts") && base != "config" && base != "authorized_keys":
		return "SSH private key", true
	case strings.Contains(p, ".aws/") && base == "credentials", strings.Contains(p, ".docker/") && base == "config.json",
		strings.Contains(p, ".kube/") && base == "config":
		return "credentials file", true
	}
	ext := path.Ext(base)
	switch ext {
	case ".p12", ".pfx", ".jks", ".keystore", ".ppk", ".key", ".asc", ".gpg":
		// Repository signing keys (nodesource.gpg.key, apt.key,
		// release.asc) are public.
		if strings.Contains(base, "secret") || strings.Contains(base, "private") ||
			ext != ".asc" && ext != ".gpg" && !publicKeyName.MatchString(base) {
			return "private key or keystore", true
		}
	case ".pem":
		if strings.Contains(base, "key") || strings.Contains(base, "private") {
			return "private key", true
		}
	case ".json":
		if strings.Contains(base, "credential") || strings.Contains(base, "service-account") || strings.Contains(base, "service_account") ||
			strings.HasSuffix(base, "-key.json") || strings.HasSuffix(base, "_key.json") || strings.HasSuffix(base, "-sa.json") {
			return "cloud credentials", true
		}
	}
	return "", false
}
