package database

import (
	"context"
	"fmt"
	"regexp"
	"strings"
)

// rdsParam is the parameter-group setting that fixes a check on RDS.
type rdsParam struct {
	name, value string
	static      bool // applies at the next reboot
}

// rdsFixes maps the checks RDS fixes through the parameter group to the
// parameter and the value to set.
var rdsFixes = map[string]rdsParam{
	"database.settings.password_encryption":      {"password_encryption", "scram-sha-256", false},
	"database.settings.ssl":                      {"ssl", "1", false},
	"database.settings.ssl_min_protocol_version": {"ssl_min_protocol_version", "TLSv1.2", false},
	"database.settings.authentication_timeout":   {"authentication_timeout", "60", false},
	"database.logging.connections":               {"log_connections", "1", false},
	"database.logging.disconnections":            {"log_disconnections", "1", false},
	"database.logging.statement":                 {"log_statement", "ddl", false},
	"database.logging.min_duration_statement":    {"log_min_duration_statement", "1000", false},
	"database.logging.min_messages":              {"log_min_messages", "warning", false},
	"database.logging.min_error_statement":       {"log_min_error_statement", "error", false},
	"database.pg_hba.host_without_ssl":           {"rds.force_ssl", "1", false},
	"database.extensions.pg_stat_statements":     {"shared_preload_libraries", "pg_stat_statements", true},
}

// rdsOtherFixes are the RDS remediations that are not a parameter.
var rdsOtherFixes = map[string]Remediation{
	"database.logging.line_prefix": {Text: "RDS sets log_line_prefix itself ('%t:%r:%u@%d:[%p]:', which has all four) and does not let a parameter group change it; a failure means the group overrides it: reset it.",
		Command: "aws rds reset-db-parameter-group --db-parameter-group-name <group> --parameters ParameterName=log_line_prefix,ApplyMethod=immediate"},
	"database.roles.superuser_count": {Text: "Keep rds_superuser for one break-glass role (the master user); grant operators pg_monitor or ownership instead.", SQL: "REVOKE rds_superuser FROM <role>;"},
}

// groupNameRE is what RDS accepts as a parameter group name; anything
// else is not written into a command.
var groupNameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9.-]{0,254}$`)

// rdsRemediation is the RDS fix for check id, naming group; def when
// RDS fixes it no differently.
func rdsRemediation(id, group string, def Remediation) Remediation {
	if !groupNameRE.MatchString(group) {
		group = "<group>"
	}
	if r, ok := rdsOtherFixes[id]; ok {
		r.Command = strings.ReplaceAll(r.Command, "<group>", group)
		return r
	}
	p, ok := rdsFixes[id]
	if !ok {
		return def
	}
	method, when := "immediate", ""
	if p.static {
		method, when = "pending-reboot", ", then reboot the instance"
	}
	r := Remediation{
		Text:    fmt.Sprintf("Set %s to %s in the instance's DB parameter group (RDS allows no ALTER SYSTEM)%s.", p.name, p.value, when),
		Command: fmt.Sprintf("aws rds modify-db-parameter-group --db-parameter-group-name %s --parameters ParameterName=%s,ParameterValue=%s,ApplyMethod=%s", group, p.name, p.value, method),
	}
	if id == pgssCheck.ID {
		r.SQL = "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;"
	}
	return r
}

// withRemediation gives every finding the RDS remediation naming the
// instance's parameter group.
func withRemediation(id string, fn func(context.Context, auditTarget) ([]Finding, error)) func(context.Context, auditTarget) ([]Finding, error) {
	return func(ctx context.Context, t auditTarget) ([]Finding, error) {
		out, err := fn(ctx, t)
		for i := range out {
			out[i].Remediation = rdsRemediation(id, t.snap.ParameterGroup, out[i].Remediation)
		}
		return out, err
	}
}
