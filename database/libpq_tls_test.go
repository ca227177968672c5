package database

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestLibpqEnvKeepsVerifyFull: pg_dump and pg_restore got PGSSLMODE=require
// whatever the DSN said, so a backup over a verify-full DSN ran pg_dump
// without checking the server's certificate. They now get the DSN's mode,
// CA bundle and client certificate.
func TestLibpqEnvKeepsVerifyFull(t *testing.T) {
	t.Setenv("PGSSLMODE", "")
	t.Setenv("PGSSLROOTCERT", "")
	dir := t.TempDir()
	ca := testenv.NewTestCA(t, "libpq CA")
	cert, key := ca.Issue(t, testenv.Leaf{CommonName: "backup", Client: true})
	caFile, spaced := filepath.Join(dir, "ca.pem"), filepath.Join(dir, "my ca.pem")
	certFile, keyFile := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	for p, b := range map[string][]byte{caFile: ca.CAPEM, spaced: ca.CAPEM, certFile: cert, keyFile: key} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		dsn  string
		want []string
	}{
		{"postgres://u:p@db.internal:5432/app?sslmode=verify-full&sslrootcert=" + caFile + "&sslcert=" + certFile + "&sslkey=" + keyFile,
			[]string{"PGSSLMODE=verify-full", "PGSSLROOTCERT=" + caFile, "PGSSLCERT=" + certFile, "PGSSLKEY=" + keyFile}},
		{"host=db.internal user=u password='a b' sslmode=verify-ca sslrootcert='" + spaced + "'",
			[]string{"PGSSLMODE=verify-ca", "PGSSLROOTCERT=" + spaced}},
		{"postgres://u@db.internal/app", []string{"PGSSLMODE=prefer"}},
		{"postgres://u@db.internal/app?sslmode=disable", []string{"PGSSLMODE=disable"}},
	} {
		cfg, err := pgconn.ParseConfig(tc.dsn)
		if err != nil {
			t.Fatal(err)
		}
		env, cleanup, err := libpqEnv(cfg, tc.dsn)
		if err != nil {
			t.Fatal(err)
		}
		cleanup()
		for _, w := range tc.want {
			if !slices.Contains(env, w) {
				t.Errorf("libpqEnv(%q) = %q; want %s", tc.dsn, env, w)
			}
		}
		if slices.Contains(env, "PGSSLMODE=require") {
			t.Errorf("libpqEnv(%q) downgrades to require: %q", tc.dsn, env)
		}
	}
}
