package database

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Snapshot is everything the audit looks at, read once from the server.
// Tests of code built on the audit can construct one by hand.
type Snapshot struct {
	// Database is the current database (database-scoped checks).
	Database string
	// Settings by name, from pg_settings plus values pending a restart
	// from pg_file_settings.
	Settings map[string]Setting
	// HBA holds pg_hba_file_rules (the file as it is now, not as last
	// loaded); HBAErr is set when it could not be read (not superuser).
	HBA    []HBARule
	HBAErr error
	// Roles from pg_authid, or pg_roles without password kinds when
	// pg_authid is not readable (RolesErr then says why).
	Roles    []Role
	RolesErr error
	// PublicSchemaCreateByPublic reports PUBLIC's CREATE on schema public.
	PublicSchemaCreateByPublic bool
	// PublicSchemaExists is false when the database has no schema public.
	PublicSchemaExists bool
	// Extensions installed in Database.
	Extensions map[string]bool
	// FileModes holds the permission bits of DataDirectory, HBAFile and
	// ConfigFile when a FileInspector was given; FileErrs says why one is
	// missing.
	FileModes map[string]fs.FileMode
	FileErrs  map[string]error
	// RDS names what marks the server as Amazon RDS or Aurora ("setting
	// rds.extensions"; "role rds_superuser" when the auditing role is no
	// superuser, as no one is on RDS); empty when nothing does. AuditAuto
	// audits such a server in RDS mode.
	RDS string
	// ParameterGroup and Parameters are the RDS DB parameter group the
	// RDS mode read through AuditOptions.Parameters (name, and parameter
	// to value as RDS writes it, "1" for on); ParametersErr says why it
	// could not be read. Empty outside RDS mode.
	ParameterGroup string
	Parameters     map[string]string
	ParametersErr  error
}

// rdsSettings are settings that only RDS defines. PostgreSQL hides
// unknown dotted names from pg_settings, so they are read with
// current_setting.
var rdsSettings = []string{"rds.extensions", "rds.force_ssl"}

// Setting is one server parameter.
type Setting struct {
	Name, Value, Unit, Context string
	// Pending is the value configured in a file but not yet in effect
	// because the parameter needs a restart; empty when none.
	Pending string
	// File is the value the configuration files give, when they set it.
	File string
}

// Effective is the value the server runs with after its next restart:
// the pending value when there is one, else the current value.
func (s Setting) Effective() string {
	if s.Pending != "" {
		return s.Pending
	}
	return s.Value
}

// HBARule is one line of pg_hba.conf as pg_hba_file_rules shows it.
type HBARule struct {
	File                     string
	Line                     int
	Type                     string
	Databases, Users         []string
	Address, Netmask, Method string
	Options                  []string
	Error                    string
}

// Resource names the rule as file:line.
func (r HBARule) Resource() string { return fmt.Sprintf("%s:%d", r.File, r.Line) }

// String renders the rule like its pg_hba.conf line.
func (r HBARule) String() string {
	if r.Error != "" {
		return "invalid line: " + r.Error
	}
	parts := []string{r.Type, strings.Join(r.Databases, ","), strings.Join(r.Users, ",")}
	if r.Address != "" {
		parts = append(parts, r.Address)
		if r.Netmask != "" {
			parts = append(parts, r.Netmask)
		}
	}
	parts = append(parts, r.Method)
	return strings.Join(parts, " ")
}

// Role is one role.
type Role struct {
	Name      string
	Superuser bool
	Login     bool
	ConnLimit int
	// Password is "" (none), "md5", "scram-sha-256" or "unknown" (not
	// readable without superuser).
	Password string
	// MemberOf lists the roles this role is a member of, directly or
	// through other roles (pg_auth_members), sorted.
	MemberOf []string
}

// CollectSnapshot reads settings, pg_hba rules, roles, the public schema's
// ACL, extensions and (with files) file modes.
func CollectSnapshot(ctx context.Context, q Querier, files FileInspector) (*Snapshot, error) {
	s := &Snapshot{Settings: map[string]Setting{}, Extensions: map[string]bool{}, FileModes: map[string]fs.FileMode{}, FileErrs: map[string]error{}}
	if err := q.QueryRow(ctx, "SELECT current_database()").Scan(&s.Database); err != nil {
		return nil, fmt.Errorf("database: audit: %w", err)
	}
	if err := collectSettings(ctx, q, s); err != nil {
		return nil, err
	}
	s.HBA, s.HBAErr = collectHBA(ctx, q, s.Settings["hba_file"].Value)
	s.Roles, s.RolesErr = collectRoles(ctx, q)
	if err := collectMembership(ctx, q, s.Roles); err != nil {
		return nil, err
	}
	if err := collectRDSMarks(ctx, q, s); err != nil {
		return nil, err
	}
	err := q.QueryRow(ctx, `SELECT count(*) > 0, COALESCE(bool_or(EXISTS (SELECT 1 FROM aclexplode(COALESCE(n.nspacl, acldefault('n', n.nspowner))) a
		WHERE a.grantee = 0 AND a.privilege_type = 'CREATE')), false)
		FROM pg_namespace n WHERE nspname = 'public'`).Scan(&s.PublicSchemaExists, &s.PublicSchemaCreateByPublic)
	if err != nil {
		return nil, fmt.Errorf("database: audit: schema public: %w", err)
	}
	rows, err := q.Query(ctx, "SELECT extname FROM pg_extension")
	if err != nil {
		return nil, fmt.Errorf("database: audit: extensions: %w", err)
	}
	exts, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("database: audit: extensions: %w", err)
	}
	for _, e := range exts {
		s.Extensions[e] = true
	}
	if files != nil {
		for _, name := range []string{"data_directory", "hba_file", "config_file"} {
			path := s.Settings[name].Value
			if path == "" {
				s.FileErrs[name] = fmt.Errorf("%s not visible (needs superuser or pg_read_all_settings)", name)
				continue
			}
			m, err := files.Mode(ctx, path)
			if err != nil {
				s.FileErrs[name] = err
				continue
			}
			s.FileModes[name] = m
		}
	}
	return s, nil
}

func collectSettings(ctx context.Context, q Querier, s *Snapshot) error {
	rows, err := q.Query(ctx, "SELECT name, setting, COALESCE(unit, ''), context FROM pg_settings")
	if err != nil {
		return fmt.Errorf("database: audit: pg_settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st Setting
		if err := rows.Scan(&st.Name, &st.Value, &st.Unit, &st.Context); err != nil {
			return fmt.Errorf("database: audit: pg_settings: %w", err)
		}
		s.Settings[st.Name] = st
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("database: audit: pg_settings: %w", err)
	}
	// Values waiting for a restart: the last valid entry for a postmaster
	// parameter in the configuration files, when it is not applied.
	frows, err := q.Query(ctx, `SELECT DISTINCT ON (name) name, COALESCE(setting, ''), applied
		FROM pg_file_settings WHERE error IS NULL OR error = 'setting could not be applied' ORDER BY name, seqno DESC`)
	if err != nil {
		return nil // pg_file_settings is superuser-only; pending values stay unknown
	}
	defer frows.Close()
	err = readFileSettings(frows, s)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42501" { // insufficient_privilege
		// pgx reports the refusal when the rows are read, not at Query.
		return nil
	}
	if err != nil {
		return fmt.Errorf("database: audit: pg_file_settings: %w", err)
	}
	return nil
}

// readFileSettings records configured and pending values from
// pg_file_settings rows.
func readFileSettings(frows pgx.Rows, s *Snapshot) error {
	for frows.Next() {
		var name, val string
		var applied bool
		if err := frows.Scan(&name, &val, &applied); err != nil {
			return err
		}
		if st, ok := s.Settings[name]; ok {
			st.File = val
			if !applied && st.Context == "postmaster" && val != st.Value {
				st.Pending = val
			}
			s.Settings[name] = st
		}
	}
	return frows.Err()
}

func collectHBA(ctx context.Context, q Querier, file string) ([]HBARule, error) {
	rows, err := q.Query(ctx, `SELECT line_number, COALESCE(type, ''), COALESCE(database, '{}'), COALESCE(user_name, '{}'),
		COALESCE(address, ''), COALESCE(netmask, ''), COALESCE(auth_method, ''), COALESCE(options, '{}'), COALESCE(error, '')
		FROM pg_hba_file_rules ORDER BY line_number`)
	if err != nil {
		return nil, fmt.Errorf("pg_hba_file_rules: %w", err)
	}
	base := file
	if i := strings.LastIndexByte(file, '/'); i >= 0 {
		base = file[i+1:]
	}
	if base == "" {
		base = "pg_hba.conf"
	}
	var out []HBARule
	for rows.Next() {
		r := HBARule{File: base}
		if err := rows.Scan(&r.Line, &r.Type, &r.Databases, &r.Users, &r.Address, &r.Netmask, &r.Method, &r.Options, &r.Error); err != nil {
			rows.Close()
			return nil, fmt.Errorf("pg_hba_file_rules: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func collectRoles(ctx context.Context, q Querier) ([]Role, error) {
	const authid = `SELECT rolname, rolsuper, rolcanlogin, rolconnlimit,
		CASE WHEN rolpassword IS NULL THEN '' WHEN rolpassword LIKE 'md5%' THEN 'md5'
		     WHEN rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256' ELSE 'plain' END
		FROM pg_authid WHERE rolname NOT LIKE 'pg\_%' ORDER BY rolname`
	const roles = `SELECT rolname, rolsuper, rolcanlogin, rolconnlimit, 'unknown'
		FROM pg_roles WHERE rolname NOT LIKE 'pg\_%' ORDER BY rolname`
	rows, err := q.Query(ctx, authid)
	var rerr error
	if err == nil {
		out, err := scanRoles(rows)
		if err == nil {
			return out, nil
		}
		rerr = err
	} else {
		rerr = err
	}
	rows, err = q.Query(ctx, roles)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	out, err := scanRoles(rows)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return out, fmt.Errorf("pg_authid not readable: %w", rerr)
}

func scanRoles(rows pgx.Rows) ([]Role, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Role, error) {
		var ro Role
		var limit int32
		err := r.Scan(&ro.Name, &ro.Superuser, &ro.Login, &limit, &ro.Password)
		ro.ConnLimit = int(limit)
		return ro, err
	})
}

// collectMembership fills Role.MemberOf from pg_auth_members, which every
// role may read. pg_has_role is not used: it counts superusers as members
// of every role.
func collectMembership(ctx context.Context, q Querier, roles []Role) error {
	rows, err := q.Query(ctx, `WITH RECURSIVE m(member, roleid) AS (
			SELECT member, roleid FROM pg_auth_members
			UNION SELECT m.member, a.roleid FROM m JOIN pg_auth_members a ON a.member = m.roleid)
		SELECT r.rolname, g.rolname FROM m JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
		ORDER BY 1, 2`)
	if err != nil {
		return fmt.Errorf("database: audit: role membership: %w", err)
	}
	memberOf := map[string][]string{}
	var role, group string
	_, err = pgx.ForEachRow(rows, []any{&role, &group}, func() error {
		memberOf[role] = append(memberOf[role], group)
		return nil
	})
	if err != nil {
		return fmt.Errorf("database: audit: role membership: %w", err)
	}
	for i := range roles {
		roles[i].MemberOf = memberOf[roles[i].Name]
	}
	return nil
}

// collectRDSMarks reads the settings only RDS defines into s.Settings and
// records in s.RDS what marks the server as RDS: the rds.extensions
// setting, or the rds_superuser role every RDS and Aurora PostgreSQL has
// when the auditing role is no superuser (RDS makes no one superuser).
func collectRDSMarks(ctx context.Context, q Querier, s *Snapshot) error {
	for _, name := range rdsSettings {
		var v *string
		if err := q.QueryRow(ctx, "SELECT current_setting($1, true)", name).Scan(&v); err != nil {
			return fmt.Errorf("database: audit: setting %s: %w", name, err)
		}
		if v != nil && *v != "" {
			s.Settings[name] = Setting{Name: name, Value: *v, Context: "rds"}
		}
	}
	var admin, super bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'rds_superuser'),
		COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)`).Scan(&admin, &super)
	if err != nil {
		return fmt.Errorf("database: audit: rds_superuser: %w", err)
	}
	switch {
	case s.Settings["rds.extensions"].Value != "":
		s.RDS = "setting rds.extensions"
	case admin && !super:
		// RDS makes no one superuser: a superuser beside an rds_superuser
		// role is a self-managed server, say one restored from an RDS dump.
		s.RDS = "role rds_superuser"
	}
	return nil
}
