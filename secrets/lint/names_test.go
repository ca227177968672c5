package lint

import (
	"testing"
)

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
