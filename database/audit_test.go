package database

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// auditEnv is what a check's misconfiguration needs.
type auditEnv struct {
	pg        testenv.Postgres
	admin     string // DSN of the postgres database
	scratch   string // DSN of the audited scratch database
	role      string // a login role created for the role checks
	opts      AuditOptions
	hbaLine   int
	resources map[string]string
}

type auditCase struct {
	id string
	// resource is the finding's resource to watch; "" takes the only one.
	resource  func(e *auditEnv) string
	good, bad func(t *testing.T, e *auditEnv)
}

func literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// setSystem sets a parameter with ALTER SYSTEM and reloads; Cleanup puts
// back exactly what postgresql.auto.conf said before (or RESETs it).
func setSystem(name, value string) func(t *testing.T, e *auditEnv) {
	return func(t *testing.T, e *auditEnv) {
		t.Helper()
		key := "setting:" + name
		if _, saved := e.resources[key]; !saved {
			ctx := context.Background()
			c, err := pgx.Connect(ctx, e.admin)
			if err != nil {
				t.Fatal(err)
			}
			var orig *string
			err = c.QueryRow(ctx, `SELECT setting FROM pg_file_settings WHERE name = $1 AND sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno DESC LIMIT 1`, name).Scan(&orig)
			c.Close(ctx)
			if err != nil && err != pgx.ErrNoRows {
				t.Fatal(err)
			}
			e.resources[key] = "saved"
			admin := e.admin
			t.Cleanup(func() {
				q := "ALTER SYSTEM RESET " + name
				if orig != nil {
					q = "ALTER SYSTEM SET " + name + " = " + literal(*orig)
				}
				exec1(t, admin, q)
				exec1(t, admin, "SELECT pg_reload_conf()")
			})
		}
		exec1(t, e.admin, "ALTER SYSTEM SET "+name+" = "+literal(value))
		exec1(t, e.admin, "SELECT pg_reload_conf()")
	}
}

// setHBALine appends line to pg_hba.conf (replacing the line this subtest
// appended before); Cleanup restores the original bytes and reloads.
func setHBALine(line string) func(t *testing.T, e *auditEnv) {
	return func(t *testing.T, e *auditEnv) {
		t.Helper()
		path := e.pg.ConfigDir + "/pg_hba.conf"
		if _, saved := e.resources["hba"]; !saved {
			orig, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			e.resources["hba"] = string(orig)
			admin := e.admin
			t.Cleanup(func() {
				if err := os.WriteFile(path, orig, 0); err != nil {
					t.Errorf("restore pg_hba.conf: %v", err)
				}
				exec1(t, admin, "SELECT pg_reload_conf()")
			})
		}
		orig := e.resources["hba"]
		if !strings.HasSuffix(orig, "\n") {
			orig += "\n"
		}
		e.hbaLine = strings.Count(orig, "\n") + 1
		if err := os.WriteFile(path, []byte(orig+line+"\n"), 0); err != nil {
			t.Fatal(err)
		}
		exec1(t, e.admin, "SELECT pg_reload_conf()")
	}
}

func hbaResource(e *auditEnv) string  { return fmt.Sprintf("pg_hba.conf:%d", e.hbaLine) }
func roleResource(e *auditEnv) string { return "role " + e.role }

// chmod sets a server file's mode; Cleanup restores the original.
func chmod(setting string, mode fs.FileMode) func(t *testing.T, e *auditEnv) {
	return func(t *testing.T, e *auditEnv) {
		t.Helper()
		var path string
		switch setting {
		case "data_directory":
			path = e.pg.DataDir
		case "hba_file":
			path = e.pg.ConfigDir + "/pg_hba.conf"
		case "config_file":
			path = e.pg.ConfigDir + "/postgresql.conf"
		}
		if _, saved := e.resources["mode:"+path]; !saved {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			e.resources["mode:"+path] = "saved"
			t.Cleanup(func() {
				if err := os.Chmod(path, fi.Mode().Perm()); err != nil {
					t.Errorf("restore mode of %s: %v", path, err)
				}
			})
		}
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
}

func inScratch(sql string) func(t *testing.T, e *auditEnv) {
	return func(t *testing.T, e *auditEnv) { t.Helper(); exec1(t, e.scratch, sql) }
}

// inScratchDB runs format with the scratch database's quoted name.
func inScratchDB(format string) func(t *testing.T, e *auditEnv) {
	return func(t *testing.T, e *auditEnv) {
		t.Helper()
		name := e.scratch[strings.LastIndexByte(e.scratch, '/')+1:]
		if i := strings.IndexByte(name, '?'); i >= 0 {
			name = name[:i]
		}
		exec1(t, e.admin, fmt.Sprintf(format, pgx.Identifier{name}.Sanitize()))
	}
}

func onRole(format string) func(t *testing.T, e *auditEnv) {
	return func(t *testing.T, e *auditEnv) {
		t.Helper()
		exec1(t, e.admin, fmt.Sprintf(format, pgx.Identifier{e.role}.Sanitize()))
	}
}

func hbaCase(id, good, bad string) auditCase {
	return auditCase{id: id, resource: hbaResource, good: setHBALine(good), bad: setHBALine(bad)}
}

func settingCase(id, name, good, bad string) auditCase {
	return auditCase{id: id, good: setSystem(name, good), bad: setSystem(name, bad)}
}

const goodHBA = "hostssl opskit_audit_db opskit_audit_user 10.99.0.1/32 scram-sha-256"

var auditCases = []auditCase{
	hbaCase("database.pg_hba.trust", goodHBA, "hostssl opskit_audit_db opskit_audit_user 10.99.0.1/32 trust"),
	hbaCase("database.pg_hba.password", goodHBA, "hostssl opskit_audit_db opskit_audit_user 10.99.0.1/32 password"),
	hbaCase("database.pg_hba.md5", goodHBA, "hostssl opskit_audit_db opskit_audit_user 10.99.0.1/32 md5"),
	hbaCase("database.pg_hba.ident", goodHBA, "hostssl opskit_audit_db opskit_audit_user 10.99.0.1/32 ident"),
	hbaCase("database.pg_hba.wide_range", goodHBA, "hostssl opskit_audit_db opskit_audit_user 10.0.0.0/8 scram-sha-256"),
	hbaCase("database.pg_hba.all_all_remote", goodHBA, "hostssl all all 10.99.0.1/32 scram-sha-256"),
	hbaCase("database.pg_hba.remote_superuser", goodHBA, "hostssl opskit_audit_db opskit 10.99.0.1/32 scram-sha-256"),
	hbaCase("database.pg_hba.host_without_ssl", goodHBA, "host opskit_audit_db opskit_audit_user 10.99.0.1/32 scram-sha-256"),
	hbaCase("database.pg_hba.invalid_line", goodHBA, "hostssl opskit_audit_db opskit_audit_user 10.99.0.1/32 no-such-method"),
	// Per database, so other users of the server never hash a password with md5.
	{id: "database.settings.password_encryption",
		good: inScratchDB("ALTER DATABASE %s SET password_encryption = 'scram-sha-256'"),
		bad:  inScratchDB("ALTER DATABASE %s SET password_encryption = 'md5'")},
	settingCase("database.settings.ssl", "ssl", "on", "off"),
	settingCase("database.settings.ssl_min_protocol_version", "ssl_min_protocol_version", "TLSv1.2", "TLSv1"),
	settingCase("database.settings.listen_addresses", "listen_addresses", "127.0.0.1", "*"),
	settingCase("database.settings.authentication_timeout", "authentication_timeout", "60s", "5min"),
	settingCase("database.logging.connections", "log_connections", "on", "off"),
	settingCase("database.logging.disconnections", "log_disconnections", "on", "off"),
	settingCase("database.logging.statement", "log_statement", "ddl", "none"),
	settingCase("database.logging.min_duration_statement", "log_min_duration_statement", "1s", "-1"),
	settingCase("database.logging.line_prefix", "log_line_prefix", "%m [%p] %q%u@%d ", "%m "),
	settingCase("database.logging.file_mode", "log_file_mode", "0600", "0644"),
	settingCase("database.logging.min_messages", "log_min_messages", "warning", "fatal"),
	settingCase("database.logging.min_error_statement", "log_min_error_statement", "error", "panic"),
	{id: "database.extensions.pg_stat_statements",
		good: inScratch("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"),
		bad:  inScratch("DROP EXTENSION IF EXISTS pg_stat_statements")},
	{id: "database.archive.enabled",
		good: func(t *testing.T, e *auditEnv) {
			setSystem("archive_command", "/bin/true")(t, e)
			setSystem("archive_mode", "on")(t, e)
		},
		bad: setSystem("archive_mode", "off")},
	{id: "database.roles.superuser_count",
		good: func(t *testing.T, e *auditEnv) {
			n := 0
			snap := collect(t, e)
			for _, r := range snap.Roles {
				if r.Superuser {
					n++
				}
			}
			e.opts.MaxSuperusers = n
		},
		bad: onRole("ALTER ROLE %s SUPERUSER")},
	{id: "database.roles.no_password", resource: roleResource,
		good: onRole("ALTER ROLE %s PASSWORD 'opskit-audit-test'"), bad: onRole("ALTER ROLE %s PASSWORD NULL")},
	{id: "database.roles.md5_password", resource: roleResource,
		good: onRole("ALTER ROLE %s PASSWORD 'opskit-audit-test'"),
		bad: func(t *testing.T, e *auditEnv) {
			ctx := context.Background()
			c, err := pgx.Connect(ctx, e.admin)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(ctx)
			if _, err := c.Exec(ctx, "SET password_encryption = 'md5'"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Exec(ctx, "ALTER ROLE "+pgx.Identifier{e.role}.Sanitize()+" PASSWORD 'opskit-audit-test'"); err != nil {
				t.Fatal(err)
			}
		}},
	{id: "database.roles.connection_limit", resource: roleResource,
		good: onRole("ALTER ROLE %s CONNECTION LIMIT 5"), bad: onRole("ALTER ROLE %s CONNECTION LIMIT -1")},
	{id: "database.schema.public_create",
		good: inScratch("REVOKE CREATE ON SCHEMA public FROM PUBLIC"),
		bad:  inScratch("GRANT CREATE ON SCHEMA public TO PUBLIC")},
	{id: "database.files.data_directory_mode", good: chmod("data_directory", 0o700), bad: chmod("data_directory", 0o750)},
	{id: "database.files.hba_file_mode", good: chmod("hba_file", 0o640), bad: chmod("hba_file", 0o644)},
	{id: "database.files.config_file_mode", good: chmod("config_file", 0o640), bad: chmod("config_file", 0o644)},
}

func collect(t *testing.T, e *auditEnv) *Snapshot {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, e.scratch)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	s, err := CollectSnapshot(ctx, c, e.opts.Files)
	if err != nil {
		t.Fatal(err)
	}
	collectParameters(ctx, s, e.opts)
	return s
}

// expect audits until the check's finding has status want (reloads are
// asynchronous), and returns it.
func expect(t *testing.T, e *auditEnv, c auditCase, want Status) Finding {
	t.Helper()
	var last []Finding
	deadline := time.Now().Add(5 * time.Second)
	for {
		snap := collect(t, e)
		last = nil
		for _, f := range AuditSnapshot(context.Background(), snap, e.opts) {
			if f.CheckID != c.id {
				continue
			}
			if c.resource != nil && f.Resource != c.resource(e) {
				continue
			}
			last = append(last, f)
		}
		if len(last) == 1 && last[0].Status == want {
			return last[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: want one finding with status %v, got %+v", c.id, want, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestAuditChecks(t *testing.T) {
	pg := testenv.PostgreSQL(t)
	scratch, _, _ := scratchDB(t, pg)
	covered := map[string]bool{}
	for _, c := range auditCases {
		covered[c.id] = true
	}
	for _, c := range Checks() {
		if !covered[c.ID] {
			t.Errorf("check %s has no misconfigure/restore test", c.ID)
		}
		if c.Remediation.SQL == "" && c.Remediation.Command == "" {
			t.Errorf("check %s has no remediation SQL or command", c.ID)
		}
	}
	if n := len(Checks()); n < 25 {
		t.Errorf("%d checks, want at least 25", n)
	}
	for _, c := range auditCases {
		t.Run(c.id, func(t *testing.T) {
			e := &auditEnv{pg: pg, admin: pg.PrimaryDSN, scratch: scratch, opts: AuditOptions{Files: LocalFiles{}, Mode: AuditSelfManaged}, resources: map[string]string{}}
			bothWays(t, e, c)
		})
	}
}

// bothWays proves c on the real server: passing, misconfigured (the
// finding fails), fixed again (it passes), and returns the failure.
func bothWays(t *testing.T, e *auditEnv, c auditCase) Finding {
	t.Helper()
	if c.resource != nil && strings.HasPrefix(c.resource(&auditEnv{role: "x"}), "role ") || c.id == "database.roles.superuser_count" {
		db := e.scratch[strings.LastIndexByte(e.scratch, '/')+1:]
		if i := strings.IndexByte(db, '?'); i >= 0 {
			db = db[:i]
		}
		e.role = strings.ReplaceAll(db, "opskit_db_", "opskit_audit_") + "_" + strings.ReplaceAll(c.id[strings.LastIndexByte(c.id, '.')+1:], "_", "")
		exec1(t, e.admin, "CREATE ROLE "+pgx.Identifier{e.role}.Sanitize()+" LOGIN CONNECTION LIMIT 5 PASSWORD 'opskit-audit-test'")
		admin := e.admin
		t.Cleanup(func() { exec1(t, admin, "DROP ROLE IF EXISTS "+pgx.Identifier{e.role}.Sanitize()) })
	}
	c.good(t, e)
	expect(t, e, c, StatusPass)
	c.bad(t, e)
	f := expect(t, e, c, StatusFail)
	t.Logf("fail: %s: %s", f.Resource, f.Evidence)
	c.good(t, e)
	expect(t, e, c, StatusPass)
	return f
}
