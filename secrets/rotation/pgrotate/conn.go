package pgrotate

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// connect opens a connection to dsn (which names no user or password) as
// user with password.
func connect(ctx context.Context, dsn, user, password string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("pgrotate: cannot parse the connection string")
	}
	cfg.User, cfg.Password = user, password
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgrotate: connect as %q: %w", user, classify(err, cfg))
	}
	return c, nil
}

// IsAuthFailure reports whether err is PostgreSQL refusing a password
// (SQLSTATE 28P01) or an unknown role (28000).
func IsAuthFailure(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && (pg.Code == "28P01" || pg.Code == "28000")
}

// setPassword sets role's password as a SCRAM verifier. Utility statements
// take no parameters, so the role is quoted as an identifier and the
// verifier (base64 and fixed text only) as a literal.
func setPassword(ctx context.Context, c *pgx.Conn, role, password string) error {
	v, err := scramVerifier(password)
	if err != nil {
		return err
	}
	if strings.ContainsAny(v, `'\`) {
		return errors.New("pgrotate: unexpected character in verifier")
	}
	if _, err := c.Exec(ctx, "ALTER ROLE "+pgx.Identifier{role}.Sanitize()+" PASSWORD '"+v+"'"); err != nil {
		return fmt.Errorf("pgrotate: set password of %q: %w", role, err)
	}
	return nil
}

func ping(ctx context.Context, dsn, user, password string) error {
	c, err := connect(ctx, dsn, user, password)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var one int
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("pgrotate: test query as %q: %w", user, err)
	}
	return nil
}
