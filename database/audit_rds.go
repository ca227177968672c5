package database

import (
	"context"
	"strings"
)

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
