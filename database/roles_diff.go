package database

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

type differ struct {
	q   Querier
	out []Change
}

func (d *differ) add(kind ChangeKind, schema, what, sql string) {
	d.out = append(d.out, Change{Kind: kind, Schema: schema, What: what, SQL: sql})
}

func (d *differ) bool(ctx context.Context, sql string, args ...any) (bool, error) {
	var b bool
	if err := d.q.QueryRow(ctx, sql, args...).Scan(&b); err != nil {
		return false, fmt.Errorf("database: role plan: %w", err)
	}
	return b, nil
}

func (d *differ) strings(ctx context.Context, sql string, args ...any) ([]string, error) {
	rows, err := d.q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("database: role plan: %w", err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("database: role plan: %w", err)
	}
	return out, nil
}

const (
	rwTablePrivs = "SELECT, INSERT, UPDATE, DELETE"
	rwSeqPrivs   = "USAGE, SELECT"
)

func (d *differ) schema(ctx context.Context, s SchemaRoles) error {
	sch := ident(s.Schema)
	created := map[string]bool{}
	for _, r := range []string{s.Owner, s.ReadWrite, s.ReadOnly} {
		ok, err := d.bool(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", r)
		if err != nil {
			return err
		}
		if !ok {
			created[r] = true
			d.add(Missing, s.Schema, "group role "+r, "CREATE ROLE "+ident(r)+" NOLOGIN")
		}
	}
	// Schema owner.
	owner, err := d.strings(ctx, "SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = $1", s.Schema)
	if err != nil {
		return err
	}
	if len(owner) == 1 && owner[0] != s.Owner {
		d.add(Missing, s.Schema, fmt.Sprintf("schema owned by %s, not %s", owner[0], s.Owner), "ALTER SCHEMA "+sch+" OWNER TO "+ident(s.Owner))
	}
	// PUBLIC CREATE.
	pub, err := d.bool(ctx, `SELECT EXISTS (SELECT 1 FROM pg_namespace n, aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
		WHERE n.nspname = $1 AND a.grantee = 0 AND a.privilege_type = 'CREATE')`, s.Schema)
	if err != nil {
		return err
	}
	if pub {
		d.add(Extra, s.Schema, "PUBLIC may create in the schema", "REVOKE CREATE ON SCHEMA "+sch+" FROM PUBLIC")
	}
	// USAGE for the groups.
	for _, r := range []string{s.ReadWrite, s.ReadOnly} {
		has := false
		if !created[r] {
			if has, err = d.bool(ctx, "SELECT has_schema_privilege($1, $2::regnamespace, 'USAGE')", r, sch); err != nil {
				return err
			}
		}
		if !has {
			d.add(Missing, s.Schema, "USAGE on the schema for "+r, "GRANT USAGE ON SCHEMA "+sch+" TO "+ident(r))
		}
	}
	// Privileges on existing tables and sequences.
	tables := []struct {
		role, privs, kinds, object, check string
	}{
		{s.ReadWrite, rwTablePrivs, "'r','p','v','m','f'", "TABLES", "has_table_privilege($1, c.oid, 'SELECT') AND has_table_privilege($1, c.oid, 'INSERT') AND has_table_privilege($1, c.oid, 'UPDATE') AND has_table_privilege($1, c.oid, 'DELETE')"},
		{s.ReadWrite, rwSeqPrivs, "'S'", "SEQUENCES", "has_sequence_privilege($1, c.oid, 'USAGE') AND has_sequence_privilege($1, c.oid, 'SELECT')"},
		{s.ReadOnly, "SELECT", "'r','p','v','m','f'", "TABLES", "has_table_privilege($1, c.oid, 'SELECT')"},
	}
	for _, tb := range tables {
		var missing []string
		q := fmt.Sprintf(`SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = $2::regnamespace AND c.relkind IN (%s)`, tb.kinds)
		if !created[tb.role] {
			q += " AND NOT (" + tb.check + ")"
		} else {
			q += " AND $1::text IS NOT NULL"
		}
		if missing, err = d.strings(ctx, q+" ORDER BY 1", tb.role, sch); err != nil {
			return err
		}
		if len(missing) > 0 {
			d.add(Missing, s.Schema, fmt.Sprintf("%s for %s on %s", tb.privs, tb.role, list(missing)),
				fmt.Sprintf("GRANT %s ON ALL %s IN SCHEMA %s TO %s", tb.privs, tb.object, sch, ident(tb.role)))
		}
	}
	// The read-only role must not write.
	if !created[s.ReadOnly] {
		writable, err := d.strings(ctx, `SELECT c.relname::text FROM pg_class c WHERE c.relnamespace = $2::regnamespace AND c.relkind IN ('r','p','v','m','f')
			AND (has_table_privilege($1, c.oid, 'INSERT') OR has_table_privilege($1, c.oid, 'UPDATE') OR has_table_privilege($1, c.oid, 'DELETE') OR has_table_privilege($1, c.oid, 'TRUNCATE')) ORDER BY 1`, s.ReadOnly, sch)
		if err != nil {
			return err
		}
		if len(writable) > 0 {
			d.add(Extra, s.Schema, fmt.Sprintf("read-only role %s can write %s", s.ReadOnly, list(writable)),
				fmt.Sprintf("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA %s FROM %s", sch, ident(s.ReadOnly)))
		}
	}
	// Default privileges for objects the owner creates later.
	defaults := []struct {
		role, privs, objtype, object string
		want                         []string
	}{
		{s.ReadWrite, rwTablePrivs, "r", "TABLES", []string{"DELETE", "INSERT", "SELECT", "UPDATE"}},
		{s.ReadWrite, rwSeqPrivs, "S", "SEQUENCES", []string{"SELECT", "USAGE"}},
		{s.ReadOnly, "SELECT", "r", "TABLES", []string{"SELECT"}},
	}
	for _, df := range defaults {
		var have []string
		if !created[df.role] && !created[s.Owner] {
			have, err = d.strings(ctx, `SELECT a.privilege_type::text FROM pg_default_acl da, aclexplode(da.defaclacl) a
				WHERE da.defaclrole = $1::regrole AND da.defaclnamespace = $2::regnamespace AND da.defaclobjtype = $3::"char" AND a.grantee = $4::regrole ORDER BY 1`,
				ident(s.Owner), sch, df.objtype, ident(df.role))
			if err != nil {
				return err
			}
		}
		for _, w := range df.want {
			if !slices.Contains(have, w) {
				d.add(Missing, s.Schema, fmt.Sprintf("default %s on future %s of %s for %s", df.privs, strings.ToLower(df.object), s.Owner, df.role),
					fmt.Sprintf("ALTER DEFAULT PRIVILEGES FOR ROLE %s IN SCHEMA %s GRANT %s ON %s TO %s", ident(s.Owner), sch, df.privs, df.object, ident(df.role)))
				break
			}
		}
	}
	// Membership.
	for _, g := range []struct {
		group   string
		members []string
	}{{s.ReadWrite, s.Writers}, {s.ReadOnly, s.Readers}} {
		var live []string
		if !created[g.group] {
			live, err = d.strings(ctx, `SELECT m.rolname::text FROM pg_auth_members am JOIN pg_roles m ON m.oid = am.member
				WHERE am.roleid = $1::regrole ORDER BY 1`, ident(g.group))
			if err != nil {
				return err
			}
		}
		for _, m := range g.members {
			if !slices.Contains(live, m) {
				d.add(Missing, s.Schema, m+" in "+g.group, "GRANT "+ident(g.group)+" TO "+ident(m))
			}
		}
		for _, m := range live {
			if !slices.Contains(g.members, m) {
				d.add(Extra, s.Schema, m+" in "+g.group+" but not in the plan", "REVOKE "+ident(g.group)+" FROM "+ident(m))
			}
		}
	}
	return nil
}

func (d *differ) database(ctx context.Context, p RolePlan) error {
	db := ident(p.Database)
	pub, err := d.bool(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database d, aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a
		WHERE d.datname = $1 AND a.grantee = 0 AND a.privilege_type IN ('CONNECT', 'TEMPORARY'))`, p.Database)
	if err != nil {
		return err
	}
	if pub {
		d.add(Extra, "", "PUBLIC may connect to "+p.Database, "REVOKE CONNECT, TEMPORARY ON DATABASE "+db+" FROM PUBLIC")
	}
	var groups []string
	for _, s := range p.Schemas {
		for _, g := range []string{s.Owner, s.ReadWrite, s.ReadOnly} {
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	for _, g := range groups {
		has := false
		exists, err := d.bool(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", g)
		if err != nil {
			return err
		}
		if exists {
			if has, err = d.bool(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database d, aclexplode(COALESCE(d.datacl, acldefault('d', d.datdba))) a
				WHERE d.datname = $1 AND a.grantee = $2::regrole AND a.privilege_type = 'CONNECT')`, p.Database, ident(g)); err != nil {
				return err
			}
		}
		if !has {
			d.add(Missing, "", "CONNECT on "+p.Database+" for "+g, "GRANT CONNECT ON DATABASE "+db+" TO "+ident(g))
		}
	}
	return nil
}

func list(names []string) string {
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more", len(names)-5)
	}
	return strings.Join(names, ", ")
}
