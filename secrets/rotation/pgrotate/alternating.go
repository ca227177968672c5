package pgrotate

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/rotation"
)

// CloneSuffix names the alternate role: NAME and NAME_clone.
const CloneSuffix = "_clone"

// Alternating rotates between a role and its clone; the admin secret's
// role creates the clone and sets passwords.
type Alternating struct {
	dsn       string
	admin     *secrets.Store
	adminName string
}

var _ rotation.Target = (*Alternating)(nil)

// NewAlternating returns the target; dsn names the server and database but
// no user or password, and adminSecret in admin holds the credentials of a
// role with CREATEROLE that may grant the original's privileges.
func NewAlternating(dsn string, admin *secrets.Store, adminSecret string) *Alternating {
	return &Alternating{dsn: dsn, admin: admin, adminName: adminSecret}
}

// Create implements rotation.Target: the other role, new password.
func (a *Alternating) Create(_ context.Context, current secrets.Value) (secrets.Value, error) {
	user, pw, err := ParseCredentials(current)
	if err != nil {
		return secrets.Value{}, err
	}
	pw.Zero()
	next := user + CloneSuffix
	if base, ok := strings.CutSuffix(user, CloneSuffix); ok {
		next = base
	}
	np, err := newPassword()
	if err != nil {
		return secrets.Value{}, err
	}
	return Credentials(next, np), nil
}

// Set implements rotation.Target: makes sure the clone exists with the
// original's grants, then sets the pending role's password.
func (a *Alternating) Set(ctx context.Context, current, pending secrets.Value) error {
	user, pw, err := ParseCredentials(pending)
	if err != nil {
		return err
	}
	adm, err := a.admin.Get(ctx, a.adminName)
	if err != nil {
		return fmt.Errorf("pgrotate: admin secret: %w", err)
	}
	defer adm.Value.Zero()
	au, apw, err := ParseCredentials(adm.Value)
	if err != nil {
		return err
	}
	c, err := connect(ctx, a.dsn, au, apw.Reveal())
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	base, _ := strings.CutSuffix(user, CloneSuffix)
	if err := cloneRole(ctx, c, base, base+CloneSuffix); err != nil {
		return err
	}
	return setPassword(ctx, c, user, pw.Reveal())
}

// Test implements rotation.Target.
func (a *Alternating) Test(ctx context.Context, pending secrets.Value) error {
	user, pw, err := ParseCredentials(pending)
	if err != nil {
		return err
	}
	return ping(ctx, a.dsn, user, pw.Reveal())
}

// privileges PostgreSQL reports in information_schema.table_privileges.
var tablePrivileges = map[string]bool{"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true, "TRUNCATE": true, "REFERENCES": true, "TRIGGER": true}

// cloneRole creates clone (if missing) with base's LOGIN, role
// memberships and table privileges, all in one transaction.
func cloneRole(ctx context.Context, c *pgx.Conn, base, clone string) error {
	tx, err := c.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgrotate: clone %q: %w", base, err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	id := pgx.Identifier{clone}.Sanitize()
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", clone).Scan(&exists); err != nil {
		return fmt.Errorf("pgrotate: clone %q: %w", base, err)
	}
	if !exists {
		if _, err := tx.Exec(ctx, "CREATE ROLE "+id+" LOGIN"); err != nil {
			return fmt.Errorf("pgrotate: create role %q: %w", clone, err)
		}
	}
	rows, err := tx.Query(ctx, `SELECT g.rolname FROM pg_auth_members m
		JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1`, base)
	if err != nil {
		return fmt.Errorf("pgrotate: memberships of %q: %w", base, err)
	}
	groups, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("pgrotate: memberships of %q: %w", base, err)
	}
	for _, g := range groups {
		if _, err := tx.Exec(ctx, "GRANT "+pgx.Identifier{g}.Sanitize()+" TO "+id); err != nil {
			return fmt.Errorf("pgrotate: grant %q to %q: %w", g, clone, err)
		}
	}
	rows, err = tx.Query(ctx, `SELECT table_schema, table_name, privilege_type
		FROM information_schema.table_privileges WHERE grantee = $1`, base)
	if err != nil {
		return fmt.Errorf("pgrotate: privileges of %q: %w", base, err)
	}
	type grant struct{ Schema, Table, Priv string }
	grants, err := pgx.CollectRows(rows, pgx.RowToStructByPos[grant])
	if err != nil {
		return fmt.Errorf("pgrotate: privileges of %q: %w", base, err)
	}
	for _, g := range grants {
		if !tablePrivileges[g.Priv] {
			continue
		}
		q := "GRANT " + g.Priv + " ON " + pgx.Identifier{g.Schema, g.Table}.Sanitize() + " TO " + id
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("pgrotate: grant %s on %s.%s to %q: %w", g.Priv, g.Schema, g.Table, clone, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgrotate: clone %q: %w", base, err)
	}
	return nil
}
