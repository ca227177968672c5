package database

import (
	"bytes"
	"context"
	"crypto/x509"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// verifyFull turns a test DSN (sslmode=disable) into one that demands
// sslmode=verify-full against the CA bundle caFile.
func verifyFull(t testing.TB, dsn, caFile string) string {
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

// sslInUse reports whether q's session is encrypted, from pg_stat_ssl.
func sslInUse(ctx context.Context, t testing.TB, q Querier) bool {
	t.Helper()
	var on bool
	if err := q.QueryRow(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&on); err != nil {
		t.Fatal(err)
	}
	return on
}

// TestPostgresVerifyFull connects the router (through DSNs with
// sslmode=verify-full, and through RouterOptions.TLS over DSNs that say
// sslmode=disable), a role plan, the audit and a backup with pg_dump to the
// primary and replica over TLS verified against the test CA.
func TestPostgresVerifyFull(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	files := testenv.TLS(t)
	primary, replica, _ := scratchDB(t, pg)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	for name, dial := range map[string]func() (*Router, error){
		"dsn": func() (*Router, error) {
			return DialRouter(ctx, verifyFull(t, primary, files.CAFile), RouterOptions{Replicas: []string{verifyFull(t, replica, files.CAFile)}})
		},
		"options": func() (*Router, error) {
			return DialRouter(ctx, primary, RouterOptions{Replicas: []string{replica}, TLS: &TLSConfig{CAFile: files.CAFile}})
		},
	} {
		t.Run("router/"+name, func(t *testing.T) {
			r, err := dial()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if !sslInUse(ctx, t, r.Primary()) {
				t.Error("primary session is not encrypted")
			}
			for _, m := range r.nodes {
				if !sslInUse(ctx, t, m.q) {
					t.Errorf("node %s: session is not encrypted", m.name)
				}
			}
			if _, err := r.Exec(ctx, "CREATE TABLE IF NOT EXISTS tls_probe (id int)"); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("roles", func(t *testing.T) {
		c, err := pgx.Connect(ctx, verifyFull(t, primary, files.CAFile))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		if !sslInUse(ctx, t, c) {
			t.Fatal("session is not encrypted")
		}
		db := c.Config().Database
		if _, err := c.Exec(ctx, "CREATE SCHEMA tls_app"); err != nil {
			t.Fatal(err)
		}
		plan := RolePlan{Database: db, Schemas: []SchemaRoles{{Schema: "tls_app", Owner: "opskit_tls_owner", ReadWrite: "opskit_tls_rw", ReadOnly: "opskit_tls_ro"}}}
		changes, err := plan.Diff(ctx, c)
		if err != nil || len(changes) == 0 {
			t.Fatalf("role plan over verify-full: %d changes, %v", len(changes), err)
		}
		if _, err := plan.Diff(ctx, c); err != nil {
			t.Fatalf("role plan over verify-full: %v", err)
		}
	})

	t.Run("audit", func(t *testing.T) {
		c, err := pgx.Connect(ctx, verifyFull(t, primary, files.CAFile))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		fs, err := Audit(ctx, c, AuditOptions{})
		if err != nil {
			t.Fatalf("audit over verify-full: %v", err)
		}
		found := false
		for _, f := range fs {
			if f.CheckID == "database.settings.ssl" {
				found = true
				if f.Status != StatusPass {
					t.Errorf("database.settings.ssl = %s (%s); the test servers run with ssl=on", f.Status, f.Evidence)
				}
			}
		}
		if !found {
			t.Error("no database.settings.ssl finding")
		}
	})

	t.Run("backup", func(t *testing.T) {
		var buf bytes.Buffer
		m, err := Backup(ctx, BackupOptions{DSN: verifyFull(t, primary, files.CAFile)}, &buf)
		if err != nil {
			t.Fatalf("backup over verify-full: %v", err)
		}
		if m.Size == 0 {
			t.Fatal("empty archive")
		}
	})
}

// TestTLSRefusals checks that connections to PostgreSQL refuse a server
// certificate from another CA, for another name or expired, both through a
// DSN's sslmode=verify-full (pgx's own check) and through TLSConfig
// (ApplyTLS, which names the node in a CertificateError).
func TestTLSRefusals(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	files := testenv.TLS(t)
	other := testenv.NewTestCA(t, "another CA")
	ownCA := testenv.NewTestCA(t, "expired test CA")
	expiredAddr := testenv.TLSServer(t, ownCA.IssueServer(t, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour)), testenv.PreamblePostgres)
	dir := t.TempDir()
	otherCA := filepath.Join(dir, "other.pem")
	ownCAFile := filepath.Join(dir, "own.pem")
	if err := os.WriteFile(otherCA, other.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ownCAFile, ownCA.CAPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	primaryHost := hostOf(t, pg.PrimaryDSN)
	expiredDSN := strings.Replace(pg.PrimaryDSN, primaryHost, expiredAddr, 1)

	cases := []struct {
		name     string
		dsn      string
		tls      TLSConfig
		endpoint string
		is       func(*CertificateError) bool
		x509     func(error) bool
	}{
		{"wrong CA", pg.PrimaryDSN, TLSConfig{CAFile: otherCA}, primaryHost, (*CertificateError).UnknownAuthority,
			func(err error) bool { var e x509.UnknownAuthorityError; return errors.As(err, &e) }},
		{"wrong name", pg.PrimaryDSN, TLSConfig{CAFile: files.CAFile, ServerName: "db.example.com"}, primaryHost, (*CertificateError).WrongName,
			func(err error) bool { var e x509.HostnameError; return errors.As(err, &e) }},
		{"expired", expiredDSN, TLSConfig{CAFile: ownCAFile}, expiredAddr, (*CertificateError).Expired,
			func(err error) bool {
				var e x509.CertificateInvalidError
				return errors.As(err, &e) && e.Reason == x509.Expired
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name+"/dsn", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			dsn := verifyFull(t, tc.dsn, tc.tls.CAFile)
			if tc.tls.ServerName != "" {
				dsn = strings.Replace(dsn, "127.0.0.1", tc.tls.ServerName, 1)
			}
			cfg, err := pgx.ParseConfig(dsn)
			if err != nil {
				t.Fatal(err)
			}
			// The other name resolves to loopback here, never through DNS.
			cfg.LookupFunc = func(context.Context, string) ([]string, error) { return []string{"127.0.0.1"}, nil }
			c, err := pgx.ConnectConfig(ctx, cfg)
			if err == nil {
				c.Close(ctx)
				t.Fatal("connected; want the certificate refused")
			}
			if !tc.x509(err) {
				t.Fatalf("err = %v; want the x509 refusal", err)
			}
		})
		t.Run(tc.name+"/tlsconfig", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			tlsc := tc.tls
			r, err := DialRouter(ctx, tc.dsn, RouterOptions{TLS: &tlsc})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			_, err = r.nodes[0].q.Exec(ctx, "SELECT 1")
			t.Log(err)
			var ce *CertificateError
			if !errors.As(err, &ce) || !tc.is(ce) {
				t.Fatalf("err = %v; want a CertificateError of that kind", err)
			}
			if ce.Endpoint != tc.endpoint {
				t.Errorf("Endpoint = %q; want %q", ce.Endpoint, tc.endpoint)
			}
			if strings.Contains(err.Error(), "opskit:opskit") {
				t.Errorf("error carries the password: %v", err)
			}
			// The router's probes report the same refusal in its status.
			st := r.Status()[0]
			if !errors.As(st.Err, &ce) || !tc.is(ce) {
				t.Fatalf("Status()[0].Err = %v; want the CertificateError", st.Err)
			}
		})
	}
}

func hostOf(t testing.TB, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}
