package pgrotate_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation"
	"github.com/opskit-dev/opskit/secrets/rotation/pgrotate"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

// withTLS returns dsn demanding sslmode=verify-full against caFile.
func withTLS(t *testing.T, dsn, caFile string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("sslmode", "verify-full")
	q.Set("sslrootcert", caFile)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestPostgresVerifyFull rotates a real role's password with both
// strategies over connections that verify the server (sslmode=verify-full
// with the test CA), and checks the rotated secret logs in over TLS.
func TestPostgresVerifyFull(t *testing.T) {
	files := testenv.TLS(t)
	for _, strategy := range []string{"single", "alternating"} {
		t.Run(strategy, func(t *testing.T) {
			e := newPG(t)
			dsn := withTLS(t, e.dsn, files.CAFile)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			store := secretsfake.NewStore()
			if _, err := store.Put(ctx, "admin", e.admin, secrets.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := store.Put(ctx, "db", pgrotate.Credentials(e.role, e.password), secrets.PutOptions{}); err != nil {
				t.Fatal(err)
			}
			var target rotation.Target = pgrotate.NewSingleUser(dsn)
			if strategy == "alternating" {
				target = pgrotate.NewAlternating(dsn, store, "admin")
			}
			if _, err := rotation.New(store, target, rotation.Options{Lock: pgrotate.AdvisoryLock(dsn, store, "admin")}).Rotate(ctx, "db"); err != nil {
				t.Fatalf("Rotate over verify-full: %v", err)
			}
			cur, err := store.Get(ctx, "db")
			if err != nil {
				t.Fatal(err)
			}
			user, pw, err := pgrotate.ParseCredentials(cur.Value)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := pgx.ParseConfig(dsn)
			if err != nil {
				t.Fatal(err)
			}
			cfg.User, cfg.Password = user, pw.Reveal()
			c, err := pgx.ConnectConfig(ctx, cfg)
			if err != nil {
				t.Fatalf("rotated secret over verify-full: %v", err)
			}
			defer c.Close(ctx)
			var ssl bool
			if err := c.QueryRow(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl); err != nil || !ssl {
				t.Fatalf("session encrypted = %v, %v; want true", ssl, err)
			}
		})
	}
}

// TestTLSRefusals: a rotation whose DSN trusts another CA fails before
// changing anything, with a CertificateError naming the server.
func TestTLSRefusals(t *testing.T) {
	testenv.TLS(t)
	e := newPG(t)
	other := testenv.NewTestCA(t, "another CA")
	caFile := filepath.Join(t.TempDir(), "other.pem")
	if err := os.WriteFile(caFile, other.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store := secretsfake.NewStore()
	if _, err := store.Put(ctx, "db", pgrotate.Credentials(e.role, e.password), secrets.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := rotation.New(store, pgrotate.NewSingleUser(withTLS(t, e.dsn, caFile)), rotation.Options{}).Rotate(ctx, "db")
	var ce *pgrotate.CertificateError
	if !errors.As(err, &ce) || !ce.UnknownAuthority() {
		t.Fatalf("Rotate = %v; want a CertificateError for an unknown authority", err)
	}
	u, _ := url.Parse(e.dsn)
	if ce.Endpoint != u.Host {
		t.Errorf("Endpoint = %q; want %q", ce.Endpoint, u.Host)
	}
	if err := e.query(ctx, pgrotate.Credentials(e.role, e.password)); err != nil {
		t.Fatalf("the old password no longer works after a refused rotation: %v", err)
	}
}
