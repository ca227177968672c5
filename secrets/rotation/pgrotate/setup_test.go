package pgrotate_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation/pgrotate"
)

// pgEnv is a fresh role with SELECT on a fresh table, on the real server.
type pgEnv struct {
	dsn      string // server and database, no credentials
	role     string
	password string
	admin    secrets.Value
}

func newPG(t *testing.T) pgEnv {
	t.Helper()
	pg := testenv.PostgreSQL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, err := url.Parse(pg.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	adminPW, _ := u.User.Password()
	admin := pgrotate.Credentials(u.User.Username(), adminPW)
	u.User = nil
	var b [4]byte
	_, _ = rand.Read(b[:])
	e := pgEnv{dsn: u.String(), role: "rot_" + hex.EncodeToString(b[:]), password: "initial" + hex.EncodeToString(b[:]), admin: admin}
	c, err := pgx.Connect(ctx, pg.PrimaryDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	role := pgx.Identifier{e.role}.Sanitize()
	table := pgx.Identifier{e.role + "_t"}.Sanitize()
	for _, q := range []string{
		"CREATE ROLE " + role + " LOGIN PASSWORD '" + e.password + "'",
		"CREATE TABLE " + table + " (id int)",
		"GRANT SELECT ON " + table + " TO " + role,
	} {
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("setup: %v", err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, pg.PrimaryDSN)
		if err != nil {
			t.Errorf("cleanup: %v", err)
			return
		}
		defer c.Close(ctx)
		clone := pgx.Identifier{e.role + pgrotate.CloneSuffix}.Sanitize()
		for _, q := range []string{"DROP TABLE IF EXISTS " + table, "DROP ROLE IF EXISTS " + role, "DROP ROLE IF EXISTS " + clone} {
			if _, err := c.Exec(ctx, q); err != nil {
				t.Errorf("cleanup: %v", err)
			}
		}
	})
	return e
}

// query logs in with the secret's credentials and reads the test table,
// which proves the grants as well as the password.
func (e pgEnv) query(ctx context.Context, v secrets.Value) error {
	user, pw, err := pgrotate.ParseCredentials(v)
	if err != nil {
		return err
	}
	cfg, err := pgx.ParseConfig(e.dsn)
	if err != nil {
		return err
	}
	cfg.User, cfg.Password = user, pw.Reveal()
	cfg.ConnectTimeout = 5 * time.Second
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, "SELECT count(*) FROM "+pgx.Identifier{e.role + "_t"}.Sanitize())
	return err
}
