package database

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// settingCheck fails when bad reports the effective value of name as bad.
// In RDS mode the value comes from the parameter group (rdsSetting).
func settingCheck(c Check, name string, bad func(t auditTarget, v string) (string, bool)) checker {
	return checker{Check: c, Func: func(_ context.Context, t auditTarget) ([]Finding, error) {
		if t.rds {
			return rdsSetting(c, name, t, bad)
		}
		st, ok := t.snap.Settings[name]
		if !ok {
			return nil, fmt.Errorf("setting %s not visible", name)
		}
		res := "setting " + name
		v := st.Effective()
		if why, isBad := bad(t, v); isBad {
			ev := fmt.Sprintf("%s = %q", name, v)
			if st.Pending != "" {
				ev = fmt.Sprintf("%s = %q after restart (now %q)", name, st.Pending, st.Value)
			}
			if why != "" {
				ev += ": " + why
			}
			return []Finding{c.Fail(res, ev)}, nil
		}
		return []Finding{c.Pass(res)}, nil
	}}
}

func alterSystem(name, value string) string {
	return fmt.Sprintf("ALTER SYSTEM SET %s = '%s'; SELECT pg_reload_conf();", name, value)
}

var tlsOrder = []string{"", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"}

// isOn reports a true boolean setting as PostgreSQL ("on") or an RDS
// parameter group ("1") writes it.
func isOn(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "1", "true", "yes":
		return true
	}
	return false
}

var settingCheckers = []checker{
	settingCheck(Check{
		ID: "database.settings.password_encryption", Title: "passwords are not hashed with SCRAM-SHA-256", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Hash new passwords with SCRAM, then re-set existing md5 passwords.", SQL: alterSystem("password_encryption", "scram-sha-256")},
		References:  []string{"CIS PostgreSQL 15 4.8", "pgdsat 6.x"},
	}, "password_encryption", func(_ auditTarget, v string) (string, bool) { return "", v != "scram-sha-256" }),
	settingCheck(Check{
		ID: "database.settings.ssl", Title: "TLS is disabled", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Install a certificate (ssl_cert_file, ssl_key_file) and enable TLS.", SQL: alterSystem("ssl", "on")},
		References:  []string{"CIS PostgreSQL 15 6.7"},
	}, "ssl", func(_ auditTarget, v string) (string, bool) { return "", !isOn(v) }),
	settingCheck(Check{
		ID: "database.settings.ssl_min_protocol_version", Title: "TLS versions older than 1.2 are accepted", Severity: SeverityMedium,
		Remediation: Remediation{Text: "Require TLS 1.2 or newer (1.3 where every client supports it).", SQL: alterSystem("ssl_min_protocol_version", "TLSv1.2")},
		References:  []string{"pgdsat 6.9"},
	}, "ssl_min_protocol_version", func(_ auditTarget, v string) (string, bool) {
		return "", slices.Index(tlsOrder, v) < slices.Index(tlsOrder, "TLSv1.2")
	}),
	settingCheck(Check{
		ID: "database.settings.listen_addresses", Title: "the server listens on every network interface", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Listen only on the interfaces clients use; this needs a restart.", SQL: "ALTER SYSTEM SET listen_addresses = '<private address>'; -- then restart"},
		References:  []string{"pgdsat 5.x", "CIS PostgreSQL 15 6.2"},
	}, "listen_addresses", func(_ auditTarget, v string) (string, bool) {
		for _, a := range strings.Split(v, ",") {
			switch strings.TrimSpace(a) {
			case "*", "0.0.0.0", "::":
				return "wildcard address", true
			}
		}
		return "", false
	}),
	settingCheck(Check{
		ID: "database.settings.authentication_timeout", Title: "authentication timeout is longer than 60 seconds", Severity: SeverityLow,
		Remediation: Remediation{SQL: alterSystem("authentication_timeout", "60s")},
		References:  []string{"pgdsat 5.x"},
	}, "authentication_timeout", func(_ auditTarget, v string) (string, bool) {
		n, err := strconv.Atoi(v)
		return "seconds", err != nil || n > 60
	}),
	settingCheck(Check{
		ID: "database.logging.connections", Title: "successful connections are not logged", Severity: SeverityMedium,
		Remediation: Remediation{SQL: alterSystem("log_connections", "on")},
		References:  []string{"CIS PostgreSQL 15 3.1.20"},
	}, "log_connections", func(_ auditTarget, v string) (string, bool) { return "", !isOn(v) }),
	settingCheck(Check{
		ID: "database.logging.disconnections", Title: "session ends are not logged", Severity: SeverityMedium,
		Remediation: Remediation{SQL: alterSystem("log_disconnections", "on")},
		References:  []string{"CIS PostgreSQL 15 3.1.21"},
	}, "log_disconnections", func(_ auditTarget, v string) (string, bool) { return "", !isOn(v) }),
	settingCheck(Check{
		ID: "database.logging.statement", Title: "DDL statements are not logged", Severity: SeverityMedium,
		Remediation: Remediation{SQL: alterSystem("log_statement", "ddl")},
		References:  []string{"CIS PostgreSQL 15 3.1.25"},
	}, "log_statement", func(_ auditTarget, v string) (string, bool) { return "", v == "none" }),
	settingCheck(Check{
		ID: "database.logging.min_duration_statement", Title: "slow statements are not logged", Severity: SeverityLow,
		Remediation: Remediation{SQL: alterSystem("log_min_duration_statement", "1s")},
		References:  []string{"CIS PostgreSQL 15 3.1.x (log_min_duration_statement)"},
	}, "log_min_duration_statement", func(_ auditTarget, v string) (string, bool) { return "", v == "-1" }),
	settingCheck(Check{
		ID: "database.logging.line_prefix", Title: "log lines lack time, process, user or database", Severity: SeverityLow,
		Remediation: Remediation{SQL: alterSystem("log_line_prefix", "%m [%p] %q%u@%d ")},
		References:  []string{"CIS PostgreSQL 15 3.1.23"},
	}, "log_line_prefix", func(_ auditTarget, v string) (string, bool) {
		var missing []string
		if !strings.Contains(v, "%m") && !strings.Contains(v, "%t") && !strings.Contains(v, "%n") {
			missing = append(missing, "time (%m)")
		}
		for _, e := range []struct{ esc, what string }{{"%p", "process (%p)"}, {"%u", "user (%u)"}, {"%d", "database (%d)"}} {
			if !strings.Contains(v, e.esc) {
				missing = append(missing, e.what)
			}
		}
		return "missing " + strings.Join(missing, ", "), len(missing) > 0
	}),
	settingCheck(Check{
		ID: "database.logging.file_mode", Title: "log files are readable by group or others", Severity: SeverityMedium,
		Remediation: Remediation{SQL: alterSystem("log_file_mode", "0600")},
		References:  []string{"CIS PostgreSQL 15 3.1.5"},
	}, "log_file_mode", func(_ auditTarget, v string) (string, bool) {
		m, err := strconv.ParseUint(v, 8, 32)
		return "", err != nil || m&0o077 != 0
	}),
	settingCheck(Check{
		ID: "database.logging.min_messages", Title: "warnings are not logged", Severity: SeverityLow,
		Remediation: Remediation{SQL: alterSystem("log_min_messages", "warning")},
		References:  []string{"CIS PostgreSQL 15 3.1.13"},
	}, "log_min_messages", func(_ auditTarget, v string) (string, bool) {
		return "", slices.Contains([]string{"error", "log", "fatal", "panic"}, v)
	}),
	settingCheck(Check{
		ID: "database.logging.min_error_statement", Title: "statements that fail are not logged", Severity: SeverityLow,
		Remediation: Remediation{SQL: alterSystem("log_min_error_statement", "error")},
		References:  []string{"CIS PostgreSQL 15 3.1.14"},
	}, "log_min_error_statement", func(_ auditTarget, v string) (string, bool) {
		return "", slices.Contains([]string{"log", "fatal", "panic"}, v)
	}),
	{Check: pgssCheck, Func: func(_ context.Context, t auditTarget) ([]Finding, error) {
		c := pgssCheck
		res := "database " + t.snap.Database
		libs := t.snap.Settings["shared_preload_libraries"].Effective()
		from := ""
		if t.rds {
			v, src, err := t.rdsValue("shared_preload_libraries")
			if err != nil {
				return nil, err
			}
			libs, from = v, " ("+src+")"
		}
		var why []string
		if !slices.Contains(splitList(libs), "pg_stat_statements") {
			why = append(why, fmt.Sprintf("shared_preload_libraries = %q%s", libs, from))
		}
		if !t.snap.Extensions["pg_stat_statements"] {
			why = append(why, "extension not created in "+t.snap.Database)
		}
		if len(why) > 0 {
			return []Finding{c.Fail(res, strings.Join(why, "; "))}, nil
		}
		return []Finding{c.Pass(res)}, nil
	}},
	{Check: archiveCheck, Func: func(_ context.Context, t auditTarget) ([]Finding, error) {
		c := archiveCheck
		mode := t.snap.Settings["archive_mode"].Effective()
		cmd := t.snap.Settings["archive_command"].Value
		if cmd == "(disabled)" {
			cmd = t.snap.Settings["archive_command"].File
		}
		lib := t.snap.Settings["archive_library"].Value
		switch {
		case mode == "off" || mode == "":
			return []Finding{c.Fail("setting archive_mode", fmt.Sprintf("archive_mode = %q", mode))}, nil
		case (cmd == "" || cmd == "(disabled)") && lib == "":
			return []Finding{c.Fail("setting archive_mode", "archive_mode on but no archive_command or archive_library")}, nil
		}
		return []Finding{c.Pass("setting archive_mode")}, nil
	}},
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.Trim(strings.TrimSpace(p), `"`); p != "" {
			out = append(out, p)
		}
	}
	return out
}

var pgssCheck = Check{
	ID: "database.extensions.pg_stat_statements", Title: "pg_stat_statements is not collecting statement statistics", Severity: SeverityLow,
	Remediation: Remediation{Text: "Preload pg_stat_statements (restart) and create the extension in the database.", SQL: "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'; -- restart, then\nCREATE EXTENSION IF NOT EXISTS pg_stat_statements;"},
	References:  []string{"pgwatch stat_statements"},
}

var archiveCheck = Check{
	ID: "database.archive.enabled", Title: "WAL archiving is off", Severity: SeverityMedium,
	Description: "Without archived WAL there is no point-in-time recovery between base backups.",
	Remediation: Remediation{Text: "Enable archive_mode (restart) with an archive_command or archive_library that copies WAL off the host (pgBackRest, WAL-G).", SQL: "ALTER SYSTEM SET archive_mode = 'on'; ALTER SYSTEM SET archive_command = '<copy %p>'; -- restart"},
	References:  []string{"pgdsat 7.4"},
}
