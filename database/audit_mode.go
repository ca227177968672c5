package database

import (
	"context"
	"fmt"
)

// AuditMode says how the audit reads the server: as a self-managed
// PostgreSQL, or as Amazon RDS, which exposes the same settings through
// parameter groups and withholds the superuser, pg_hba.conf and the file
// system.
type AuditMode int

const (
	// AuditAuto, the zero value, audits in RDS mode when the server
	// carries an RDS mark (Snapshot.RDS: the rds.extensions setting, or
	// the rds_superuser role seen by a role that is no superuser) and in
	// self-managed mode otherwise.
	AuditAuto AuditMode = iota
	// AuditSelfManaged audits a PostgreSQL the caller runs: pg_hba.conf
	// rules, superusers, file modes, listen_addresses.
	AuditSelfManaged
	// AuditRDS audits Amazon RDS or Aurora PostgreSQL. The check IDs are
	// the same; each is evaluated the way RDS exposes it:
	//
	//   - settings from the instance's DB parameter group
	//     (AuditOptions.Parameters) where it sets them, else the live
	//     values, with remediation through aws rds
	//     modify-db-parameter-group;
	//   - database.pg_hba.host_without_ssl reads rds.force_ssl (RDS has
	//     no pg_hba.conf to read); the other pg_hba checks are n/a;
	//   - database.roles.superuser_count counts login roles holding
	//     rds_superuser (AuditOptions.AdminRole), since RDS gives no one
	//     superuser;
	//   - the password-hash checks are n/a when pg_authid is not readable,
	//     as it never is on RDS;
	//   - file modes, listen_addresses (fixed to '*'), log_file_mode and
	//     WAL archiving are managed by RDS and n/a, each with the reason
	//     and the database.rds check that covers the concern instead.
	AuditRDS
)

// String returns "auto", "self-managed" or "rds".
func (m AuditMode) String() string {
	switch m {
	case AuditAuto:
		return "auto"
	case AuditSelfManaged:
		return "self-managed"
	case AuditRDS:
		return "rds"
	}
	return fmt.Sprintf("AuditMode(%d)", int(m))
}

// ParameterGroup is an RDS DB parameter group as the RDS API shows it.
// rds.InstanceParameters implements it for one instance, so this package
// needs no AWS SDK.
type ParameterGroup interface {
	// DBParameters returns the group's name and the parameters that have
	// a value, by name, as RDS writes them ("1" for on).
	DBParameters(ctx context.Context) (group string, params map[string]string, err error)
}

// DefaultAdminRole is the role whose members hold RDS's administrative
// rights (the nearest thing to superuser RDS grants).
const DefaultAdminRole = "rds_superuser"

// resolveMode turns AuditAuto into the mode the snapshot calls for.
func resolveMode(m AuditMode, snap *Snapshot) AuditMode {
	if m != AuditAuto {
		return m
	}
	if snap.RDS != "" {
		return AuditRDS
	}
	return AuditSelfManaged
}

// collectParameters reads the parameter group into snap when the audit
// runs in RDS mode and opts names one.
func collectParameters(ctx context.Context, snap *Snapshot, opts AuditOptions) {
	if opts.Parameters == nil || resolveMode(opts.Mode, snap) != AuditRDS {
		return
	}
	snap.ParameterGroup, snap.Parameters, snap.ParametersErr = opts.Parameters.DBParameters(ctx)
}
