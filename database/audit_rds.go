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

// rdsNotApplicable says, for each check RDS takes out of the customer's
// hands, why it does not apply and what covers the concern instead.
var rdsNotApplicable = map[string]string{
	"database.settings.listen_addresses": "RDS fixes listen_addresses to '*'; who can connect is decided by the VPC security groups and PubliclyAccessible (database.rds.no_public_access)",
	"database.logging.file_mode":         "RDS keeps the log files on hosts it manages; they are read through the RDS API or CloudWatch Logs (database.rds.integration_cloudwatch_logs)",
	"database.archive.enabled":           "RDS archives WAL itself for point-in-time recovery while automated backups are on (database.rds.backup_enabled)",
	"database.files.data_directory_mode": rdsNoFiles,
	"database.files.hba_file_mode":       rdsNoFiles,
	"database.files.config_file_mode":    rdsNoFiles,
	"database.pg_hba.trust":              rdsNoHBA,
	"database.pg_hba.password":           rdsNoHBA,
	"database.pg_hba.md5":                rdsNoHBA,
	"database.pg_hba.ident":              rdsNoHBA,
	"database.pg_hba.wide_range":         rdsNoHBA,
	"database.pg_hba.all_all_remote":     rdsNoHBA,
	"database.pg_hba.remote_superuser":   rdsNoHBA,
	"database.pg_hba.invalid_line":       rdsNoHBA,
}

const (
	rdsNoFiles = "RDS gives no access to the server's file system; AWS keeps the data directory and configuration files"
	rdsNoHBA   = "RDS writes pg_hba.conf itself and gives no way to read or change it; network reach is decided by security groups (database.rds.no_public_access) and TLS by rds.force_ssl (database.pg_hba.host_without_ssl in RDS mode, database.rds.transport_encrypted)"
)

// rdsCheckers is the catalogue in RDS mode: the same checks in the same
// order, evaluated and remedied the way RDS exposes the server.
var rdsCheckers = rdsCatalogue(checkers)

func rdsCatalogue(base []checker) []checker {
	out := make([]checker, len(base))
	for i, c := range base {
		c.Remediation = rdsRemediation(c.ID, "<group>", c.Remediation)
		switch {
		case rdsNotApplicable[c.ID] != "":
			c.Remediation = Remediation{Text: "Nothing to change on RDS: " + rdsNotApplicable[c.ID] + "."}
			c.Func = notApplicable(c.Check, rdsNotApplicable[c.ID])
		case c.ID == "database.pg_hba.host_without_ssl":
			c.Func = rdsForceSSL(c.Check)
		case c.ID == superuserCheck.ID:
			c.Func = rdsAdminCount
		case c.ID == "database.roles.no_password" || c.ID == "database.roles.md5_password":
			c.Func = rdsRoleCheck(c.Check, true, c.Func)
		case c.ID == "database.roles.connection_limit":
			c.Func = rdsRoleCheck(c.Check, false, c.Func)
		}
		c.Func = withRemediation(c.ID, c.Func)
		out[i] = c
	}
	return out
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

func notApplicable(c Check, reason string) func(context.Context, auditTarget) ([]Finding, error) {
	return func(context.Context, auditTarget) ([]Finding, error) {
		return []Finding{c.NotApplicable(rdsResource(c.ID), reason)}, nil
	}
}

// rdsResource names what an n/a check would have looked at.
func rdsResource(id string) string {
	switch {
	case strings.HasPrefix(id, "database.pg_hba."):
		return "pg_hba.conf"
	case strings.HasPrefix(id, "database.files."):
		return strings.TrimSuffix(strings.TrimPrefix(id, "database.files."), "_mode")
	case id == "database.archive.enabled":
		return "setting archive_mode"
	case id == "database.logging.file_mode":
		return "setting log_file_mode"
	}
	return "setting " + id[strings.LastIndexByte(id, '.')+1:]
}

// rdsValue returns the value RDS mode judges for a setting: the parameter
// group's when it sets it (from names the group), else the live value. A
// group that was asked for but could not be read is an error; a setting
// visible nowhere gives ok false.
func (t auditTarget) rdsValue(name string) (v, from string, err error) {
	if p, ok := t.snap.Parameters[name]; ok {
		return p, "parameter group " + t.snap.ParameterGroup, nil
	}
	if t.snap.ParametersErr != nil {
		return "", "", fmt.Errorf("parameter group: %w", t.snap.ParametersErr)
	}
	st, ok := t.snap.Settings[name]
	if !ok {
		return "", "", nil
	}
	return st.Effective(), "live value", nil
}

// rdsSetting judges one setting in RDS mode.
func rdsSetting(c Check, name string, t auditTarget, bad func(auditTarget, string) (string, bool)) ([]Finding, error) {
	v, from, err := t.rdsValue(name)
	if err != nil {
		return nil, err
	}
	res := "setting " + name
	if from == "" {
		return []Finding{c.NotApplicable(res, fmt.Sprintf("%s is neither set in the parameter group nor visible on the server", name))}, nil
	}
	if why, isBad := bad(t, v); isBad {
		ev := fmt.Sprintf("%s = %q (%s)", name, v, from)
		if why != "" {
			ev += ": " + why
		}
		return []Finding{c.Fail(res, ev)}, nil
	}
	return []Finding{c.Pass(res)}, nil
}

// rdsForceSSL is database.pg_hba.host_without_ssl on RDS: without
// rds.force_ssl = 1 every network connection may skip TLS.
func rdsForceSSL(c Check) func(context.Context, auditTarget) ([]Finding, error) {
	return func(_ context.Context, t auditTarget) ([]Finding, error) {
		return rdsSetting(c, "rds.force_ssl", t, func(_ auditTarget, v string) (string, bool) {
			return "connections without TLS are accepted", !isOn(v)
		})
	}
}

// rdsInternalRoles are the roles AWS itself uses on RDS and Aurora.
var rdsInternalRoles = map[string]bool{"rdsadmin": true, "rdsrepladmin": true, "rdstopmgr": true, "rdsproxyadmin": true}

// rdsAdminCount is database.roles.superuser_count on RDS: no one gets
// superuser, so count the login roles holding the admin role.
func rdsAdminCount(_ context.Context, t auditTarget) ([]Finding, error) {
	if t.snap.Roles == nil && t.snap.RolesErr != nil {
		return nil, t.snap.RolesErr
	}
	admin := t.opts.AdminRole
	var holders []string
	for _, ro := range t.snap.Roles {
		if !ro.Login || rdsInternalRoles[ro.Name] {
			continue
		}
		for _, g := range ro.MemberOf {
			if g == admin {
				holders = append(holders, ro.Name)
				break
			}
		}
	}
	if len(holders) > t.opts.MaxSuperusers {
		return []Finding{superuserCheck.Fail("cluster", fmt.Sprintf("%d login roles hold %s (at most %d wanted): %s", len(holders), admin, t.opts.MaxSuperusers, strings.Join(holders, ", ")))}, nil
	}
	return []Finding{superuserCheck.Pass("cluster")}, nil
}

// rdsNoAuthid is why the password checks do not apply on RDS.
const rdsNoAuthid = "pg_authid, where password hashes are kept, is readable only by a superuser, which RDS grants no one; password_encryption (database.settings.password_encryption) decides how new passwords are hashed"

// rdsRoleCheck runs a per-role check without AWS's own roles; a password
// check is n/a when pg_authid is not readable, as it never is on RDS.
func rdsRoleCheck(c Check, passwords bool, fn func(context.Context, auditTarget) ([]Finding, error)) func(context.Context, auditTarget) ([]Finding, error) {
	return func(ctx context.Context, t auditTarget) ([]Finding, error) {
		if passwords && t.snap.RolesErr != nil {
			return []Finding{c.NotApplicable("pg_authid", rdsNoAuthid)}, nil
		}
		snap := *t.snap
		snap.Roles = nil
		for _, ro := range t.snap.Roles {
			if !rdsInternalRoles[ro.Name] {
				snap.Roles = append(snap.Roles, ro)
			}
		}
		t.snap = &snap
		return fn(ctx, t)
	}
}
