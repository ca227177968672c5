package database

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ErrUnknownRole is wrapped by PlanError when a plan names a login role
// that does not exist.
var ErrUnknownRole = errors.New("unknown role")

// ErrUnknownSchema is wrapped by PlanError when a plan names a schema that
// does not exist.
var ErrUnknownSchema = errors.New("unknown schema")

// PlanError names the plan entry that is wrong.
type PlanError struct {
	// Schema and Role name the entry; either may be empty.
	Schema, Role string
	Err          error
}

func (e *PlanError) Error() string {
	var where []string
	if e.Schema != "" {
		where = append(where, "schema "+e.Schema)
	}
	if e.Role != "" {
		where = append(where, "role "+e.Role)
	}
	return fmt.Sprintf("database: role plan: %s: %v", strings.Join(where, ", "), e.Err)
}

func (e *PlanError) Unwrap() error { return e.Err }

// RolePlan is a least-privilege layout: per schema an owner role that owns
// the schema (and should own its objects), a read-write and a read-only
// group role, and existing login users as members of the groups. PUBLIC's
// CREATE on each schema is revoked, and default privileges make tables and
// sequences the owner creates later follow the plan.
type RolePlan struct {
	// Database, when RestrictConnect is set, has CONNECT and TEMP revoked
	// from PUBLIC and CONNECT granted to the plan's group roles.
	Database        string
	RestrictConnect bool
	Schemas         []SchemaRoles
}

// SchemaRoles is the plan for one existing schema. Owner, ReadWrite and
// ReadOnly are NOLOGIN group roles the plan creates when missing; Writers
// and Readers are existing login roles made members of ReadWrite and
// ReadOnly. Members of the groups that are not listed are drift and are
// revoked by Apply.
type SchemaRoles struct {
	Schema              string
	Owner               string
	ReadWrite, ReadOnly string
	Writers, Readers    []string
}

// ChangeKind says whether a change adds something the plan wants or takes
// away something it does not.
type ChangeKind string

// Change kinds.
const (
	Missing ChangeKind = "missing"
	Extra   ChangeKind = "extra"
)

// Change is one difference between the live database and the plan, with
// the statement that removes it.
type Change struct {
	Kind   ChangeKind
	Schema string
	// What describes the difference in words.
	What string
	// SQL fixes it; identifiers are quoted with pgx.Identifier.Sanitize.
	SQL string
}

func ident(s string) string { return pgx.Identifier{s}.Sanitize() }

// validate checks the plan against itself and the live catalog.
func (p RolePlan) validate(ctx context.Context, q Querier) error {
	if len(p.Schemas) == 0 {
		return invalid("role plan", "", "no schemas")
	}
	groups := map[string]string{}
	for _, s := range p.Schemas {
		if s.Schema == "" {
			return invalid("role plan", "", "empty schema name")
		}
		names := []string{s.Owner, s.ReadWrite, s.ReadOnly}
		for _, n := range names {
			if n == "" {
				return invalid("role plan", fmt.Sprintf("schema %q", s.Schema), "owner, read-write and read-only roles are required")
			}
		}
		if s.Owner == s.ReadWrite || s.Owner == s.ReadOnly || s.ReadWrite == s.ReadOnly {
			return invalid("role plan", fmt.Sprintf("schema %q", s.Schema), "owner, read-write and read-only roles must differ")
		}
		for _, n := range names {
			groups[n] = s.Schema
		}
		var exists bool
		if err := q.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", s.Schema).Scan(&exists); err != nil {
			return fmt.Errorf("database: role plan: %w", err)
		}
		if !exists {
			return &PlanError{Schema: s.Schema, Err: ErrUnknownSchema}
		}
	}
	for _, s := range p.Schemas {
		for _, m := range slices.Concat(s.Writers, s.Readers) {
			if _, isGroup := groups[m]; isGroup {
				return invalid("role plan", fmt.Sprintf("schema %q, role %q", s.Schema, m), "a group role of the plan cannot be a member")
			}
			var exists bool
			if err := q.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", m).Scan(&exists); err != nil {
				return fmt.Errorf("database: role plan: %w", err)
			}
			if !exists {
				return &PlanError{Schema: s.Schema, Role: m, Err: ErrUnknownRole}
			}
		}
	}
	if p.RestrictConnect && p.Database == "" {
		return invalid("role plan", "RestrictConnect", "needs Database")
	}
	return nil
}

// SQL renders changes as a reviewable script, one statement per line with
// its reason as a comment.
func SQL(changes []Change) string {
	var b strings.Builder
	for _, c := range changes {
		fmt.Fprintf(&b, "-- %s: %s\n%s;\n", c.Kind, c.What, c.SQL)
	}
	return b.String()
}

// Diff compares the live catalog with the plan and returns the changes
// Apply would make, in order; an empty result means no drift.
func (p RolePlan) Diff(ctx context.Context, q Querier) ([]Change, error) {
	if err := p.validate(ctx, q); err != nil {
		return nil, err
	}
	d := &differ{q: q}
	for _, s := range p.Schemas {
		if err := d.schema(ctx, s); err != nil {
			return nil, err
		}
	}
	if p.RestrictConnect {
		if err := d.database(ctx, p); err != nil {
			return nil, err
		}
	}
	return d.out, nil
}

// Apply computes the drift and applies every change in one transaction:
// either the whole plan is in place afterwards or nothing changed. It
// returns the changes applied (none when the database already matched).
func (p RolePlan) Apply(ctx context.Context, db Querier) ([]Change, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("database: role plan: %w", err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// Serialise concurrent applies of plans on this database.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext('opskit.database.roleplan'))"); err != nil {
		return nil, fmt.Errorf("database: role plan: %w", err)
	}
	changes, err := p.Diff(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, c := range changes {
		if _, err := tx.Exec(ctx, c.SQL); err != nil {
			return nil, fmt.Errorf("database: role plan: %s (%s): %w", c.What, c.SQL, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("database: role plan: commit: %w", err)
	}
	return changes, nil
}
