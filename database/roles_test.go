package database

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/opskit-dev/opskit/internal/testenv"
)

func TestRolePlan(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	var roles []string
	// Registered first so it runs after the scratch database is dropped.
	t.Cleanup(func() {
		for _, r := range roles {
			exec1(t, pg.PrimaryDSN, "DROP ROLE IF EXISTS "+ident(r))
		}
	})
	dsn, _, db := scratchDB(t, pg)
	sfx := strings.TrimPrefix(db, "opskit_db_")
	name := func(base string) string { r := "opskit_rp_" + sfx + "_" + base; roles = append(roles, r); return r }
	owner, rw, ro := name("owner"), name(`read "write"`), name("ro")
	writer, reader, stranger := name("w"), name("r"), name("x")
	for _, u := range []string{writer, reader, stranger} {
		exec1(t, pg.PrimaryDSN, "CREATE ROLE "+ident(u)+" LOGIN PASSWORD 'opskit-rp-test'")
	}
	schema := `app "we ird"`
	exec1(t, dsn, "CREATE SCHEMA "+ident(schema))
	exec1(t, dsn, "CREATE TABLE "+ident(schema)+".t1 (id serial primary key, v text)")
	exec1(t, dsn, "GRANT CREATE ON SCHEMA "+ident(schema)+" TO PUBLIC")

	plan := RolePlan{Database: db, RestrictConnect: true, Schemas: []SchemaRoles{{
		Schema: schema, Owner: owner, ReadWrite: rw, ReadOnly: ro,
		Writers: []string{writer}, Readers: []string{reader},
	}}}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)

	changes, err := plan.Diff(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	script := SQL(changes)
	t.Logf("plan:\n%s", script)
	if !strings.Contains(script, `_read ""write"""`) || !strings.Contains(script, `REVOKE CREATE ON SCHEMA "app ""we ird""" FROM PUBLIC`) {
		t.Fatalf("script does not quote identifiers:\n%s", script)
	}
	applied, err := plan.Apply(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != len(changes) {
		t.Fatalf("applied %d changes, planned %d", len(applied), len(changes))
	}
	if again, err := plan.Apply(ctx, conn); err != nil || len(again) != 0 {
		t.Fatalf("second apply: %d changes, err %v; want none (idempotent):\n%s", len(again), err, SQL(again))
	}

	// The plan in effect: the reader reads, cannot write; the writer writes;
	// a table the owner creates later follows the default privileges.
	as := func(role string) *pgx.Conn {
		u, _ := url.Parse(dsn)
		u.User = url.UserPassword(role, "opskit-rp-test")
		c, err := pgx.Connect(ctx, u.String())
		if err != nil {
			t.Fatalf("connect as %s: %v", role, err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	tbl := ident(schema) + ".t1"
	if _, err := as(writer).Exec(ctx, "INSERT INTO "+tbl+" (v) VALUES ('w')"); err != nil {
		t.Fatalf("writer insert: %v", err)
	}
	rc := as(reader)
	var n int
	if err := rc.QueryRow(ctx, "SELECT count(*) FROM "+tbl).Scan(&n); err != nil || n != 1 {
		t.Fatalf("reader select: n=%d err=%v", n, err)
	}
	_, err = rc.Exec(ctx, "INSERT INTO "+tbl+" (v) VALUES ('r')")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "42501" {
		t.Fatalf("reader insert: err %v, want permission denied", err)
	}
	su, _ := url.Parse(dsn)
	su.User = url.UserPassword(stranger, "opskit-rp-test")
	if c, err := pgx.Connect(ctx, su.String()); err == nil {
		c.Close(ctx)
		t.Fatal("a login role outside the plan connected although CONNECT is revoked from PUBLIC")
	} else if !errors.As(err, &pe) || pe.Code != "42501" {
		t.Fatalf("stranger connect: %v, want permission denied", err)
	}
	exec1(t, dsn, "SET ROLE "+ident(owner)+"; CREATE TABLE "+ident(schema)+".t2 (id int)")
	if err := rc.QueryRow(ctx, "SELECT count(*) FROM "+ident(schema)+".t2").Scan(&n); err != nil {
		t.Fatalf("reader on a table created after the plan: %v", err)
	}

	// Drift: an extra grant and an extra member are reported and removed.
	exec1(t, dsn, "GRANT INSERT ON "+tbl+" TO "+ident(ro))
	exec1(t, dsn, "GRANT "+ident(ro)+" TO "+ident(stranger))
	drift, err := plan.Diff(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("drift:\n%s", SQL(drift))
	if len(drift) != 2 || drift[0].Kind != Extra || drift[1].Kind != Extra {
		t.Fatalf("drift = %+v, want the extra INSERT grant and the extra member", drift)
	}
	if _, err := plan.Apply(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if d, _ := plan.Diff(ctx, conn); len(d) != 0 {
		t.Fatalf("drift after apply: %+v", d)
	}
}

func TestRolePlanBadInput(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	dsn, _, db := scratchDB(t, pg)
	sfx := strings.TrimPrefix(db, "opskit_db_")
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	exec1(t, dsn, "CREATE SCHEMA app")
	owner := "opskit_rpbad_" + sfx + "_owner"
	good := SchemaRoles{Schema: "app", Owner: owner, ReadWrite: "opskit_rpbad_" + sfx + "_rw", ReadOnly: "opskit_rpbad_" + sfx + "_ro"}
	cases := []struct {
		name   string
		plan   RolePlan
		target error
		entity string
	}{
		{"unknown member", RolePlan{Schemas: []SchemaRoles{func() SchemaRoles { s := good; s.Readers = []string{"no_such_user_" + sfx}; return s }()}}, ErrUnknownRole, "no_such_user_" + sfx},
		{"unknown schema", RolePlan{Schemas: []SchemaRoles{good, func() SchemaRoles { s := good; s.Schema = "nope"; return s }()}}, ErrUnknownSchema, "nope"},
		{"same roles", RolePlan{Schemas: []SchemaRoles{func() SchemaRoles { s := good; s.ReadOnly = s.ReadWrite; return s }()}}, ErrInvalid, "app"},
		{"empty", RolePlan{}, ErrInvalid, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.plan.Apply(ctx, conn)
			var pe *PlanError
			var ie *InvalidError
			typed := errors.As(err, &pe) || errors.As(err, &ie)
			if !errors.Is(err, c.target) || !typed || !strings.Contains(err.Error(), c.entity) {
				t.Fatalf("err = %v, want %v naming %q", err, c.target, c.entity)
			}
			var exists bool
			if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", owner).Scan(&exists); err != nil || exists {
				t.Fatalf("owner role exists=%v after a rejected plan (err %v): half-applied", exists, err)
			}
		})
	}
}
