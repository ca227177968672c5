package lint

import "testing"

// TestJudgeVar pins the cases a name list gets wrong, both ways.
func TestJudgeVar(t *testing.T) {
	j := nameJudge{}
	for _, c := range []struct {
		name, value string
		secret      bool
	}{
		// Names that say nothing, or describe a secret without holding it.
		{"USERNAME", "deploy", false},
		{"GOPRIVATE", "github.com/acme/*", false},
		{"PWD", "/app", false},
		{"GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D", false},
		{"POSTGRES_PASSWORD_FILE", "/run/secrets/pg", false},
		{"PASSWORD_MIN_LENGTH", "12", false},
		{"TOKEN_URL", "https://auth.acme.dev/token", false},
		{"SECRET_NAME", "prod/db", false},
		{"PYTHON_SHA256", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", false},
		{"STRIPE_PUBLISHABLE_KEY", "pk_live_Zq8rT2mWx9LpV4sKd7NfB3hJ", false},
		{"CACHE_KEY", "deps-0123456789abcdef", false},
		{"APP_ID", "7f9c1b2e-4d3a-4e5f-a6b7-c8d9e0f1a2b3", false},
		{"PAYPAL_CLIENT_ID", "Zq8rT2mWx9LpV4sKd7NfB3hJa1b2c3d4", false},
		{"TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef", false},
		// Values that are clearly not secret under a secret-looking name.
		{"DB_PASSWORD", "", false},
		{"DB_PASSWORD", "${DB_PASSWORD}", false},
		{"DB_PASSWORD", "${DB_PASSWORD:?set it}", false},
		{"DB_PASSWORD", "$DB_PASSWORD", false},
		{"API_TOKEN", "<your-token>", false},
		{"API_TOKEN", "changeme", false},
		{"API_TOKEN", "true", false},
		{"NODE_AUTH_TOKEN", "$(cat /run/secrets/npm)", false},
		{"AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE", false},
		{"DATABASE_URL", "postgres://app:${DB_PASSWORD}@db/app", false},
		{"DATABASE_URL", "postgres://app@db/app", false},
		// Secrets.
		{"DB_PASSWORD", "Summer2024!", true},
		{"dbPassword", "hunter2hunter2", true},
		{"DB_PASSWORD", "${DB_PASSWORD:-Summer2024!}", true},
		{"DB_PWD", "s3cret", true},
		{"NPM_TOKEN", "npm_Zq8rT2mWx9LpV4sKd7NfB3hJa1b2c3d4e5f6", true},
		{"SECRET_KEY_BASE", "abc123def456", true},
		{"X", "AKIAQ2DRKB7ZWNH4LP3M", true},
		{"DATABASE_URL", "postgres://app:Summer2024@db/app", true},
		{"CONN", "Server=db;User Id=sa;Password=Summer2024;", true},
		{"AZURE_STORAGE_CONNECTION_STRING", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=Zq8rT2mWx9LpV4sK+d7NfB3hJ==;EndpointSuffix=core.windows.net", true},
		{"SOME_SETTING", "Zq8rT2mWx9LpV4sKd7NfB3hJa1b2", true},
		{"LICENSE", "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----", true},
	} {
		spans, _ := j.judgeVar(c.name, c.value)
		if got := len(spans) > 0; got != c.secret {
			t.Errorf("%s=%q: secret %v, want %v (%v)", c.name, c.value, got, c.secret, spans)
		}
	}
}

// TestAllowNames: an allowed name is not a secret by name, but a token
// format under it still is.
func TestAllowNames(t *testing.T) {
	l := New(Options{AllowNames: []string{"license_key"}})
	if spans, _ := l.names.judgeVar("LICENSE_KEY", "ACME-1234-PUBLIC"); len(spans) != 0 {
		t.Errorf("allowed name reported: %v", spans)
	}
	if spans, _ := l.names.judgeVar("LICENSE_KEY", "AKIAQ2DRKB7ZWNH4LP3M"); len(spans) == 0 {
		t.Error("AWS key under an allowed name not reported")
	}
}

// TestFindInCommand covers the command-line shapes, with references
// (the fix) passing.
func TestFindInCommand(t *testing.T) {
	j := nameJudge{}
	for _, c := range []struct {
		cmd    string
		secret string // "" for none
	}{
		{`curl -u admin:hunter22 https://x`, "hunter22"},
		{`curl -u "admin:$PASSWORD" https://x`, ""},
		{`mysql -uroot -pS3cretPw db`, "S3cretPw"},
		{`mysql -uroot -p"$MYSQL_ROOT_PASSWORD" db`, ""},
		{`redis-server --requirepass Zq8rT2mWx9`, "Zq8rT2mWx9"},
		{`echo "root:Tr0ub4dor" | chpasswd`, "Tr0ub4dor"},
		{`export PGPASSWORD=Summer2024 && psql`, "Summer2024"},
		{`PGPASSWORD="$(cat /run/secrets/pg)" psql`, ""},
		{`docker login -u ci -p Zq8rT2mWx9 registry`, "Zq8rT2mWx9"},
		{`docker login -u ci --password-stdin registry < /run/secrets/reg`, ""},
		{`curl -H "Authorization: Bearer Zq8rT2mWx9LpV4sK" https://x`, "Zq8rT2mWx9LpV4sK"},
		{`curl -H "Authorization: Bearer $(cat /run/secrets/t)" https://x`, ""},
		{`npm config set //registry.npmjs.org/:_authToken Zq8rT2mWx9LpV4sK`, "Zq8rT2mWx9LpV4sK"},
		{`echo "//registry.npmjs.org/:_authToken=Zq8rT2mWx9LpV4sK" > .npmrc`, "Zq8rT2mWx9LpV4sK"},
		{`git clone https://oauth2:Zq8rT2mWx9@gitlab.com/x.git`, "Zq8rT2mWx9"},
		{`git clone https://x-access-token:${GH_TOKEN}@github.com/x.git`, ""},
		{`curl -X POST -d "token=Zq8rT2mWx9LpV4sK" https://hooks.acme.dev/x`, "Zq8rT2mWx9LpV4sK"},
		{`curl "https://api.acme.dev/v1/x?api_key=Zq8rT2mWx9LpV4sK&q=1"`, "Zq8rT2mWx9LpV4sK"},
		{`curl -d "status=started" https://hooks.acme.dev/x`, ""},
		{`htpasswd -bc /etc/nginx/.htpasswd admin Summer2024`, "Summer2024"},
		{`apt-get install -y passwd && echo "app ALL=(ALL) NOPASSWD: ALL" >> /etc/sudoers`, ""},
	} {
		spans := findInCommand(c.cmd, j)
		var got string
		if len(spans) > 0 {
			got = spans[0].text(c.cmd)
		}
		if got != c.secret {
			t.Errorf("%s: found %q, want %q", c.cmd, got, c.secret)
		}
	}
}

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
