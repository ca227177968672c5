package database

import (
	"context"
	"io/fs"
	"os"

	"github.com/opskit-dev/opskit/internal/audit"
)

// FileInspector reports the permission bits of the server's files (data
// directory, pg_hba.conf, postgresql.conf). File modes are not visible over
// SQL, so the audit asks this interface: LocalFiles when the audit runs on
// the database host, or an implementation that stats over SSH or reads an
// inventory.
type FileInspector interface {
	Mode(ctx context.Context, path string) (fs.FileMode, error)
}

// LocalFiles inspects files on the local filesystem.
type LocalFiles struct{}

// Mode returns the permission bits of path.
func (LocalFiles) Mode(_ context.Context, path string) (fs.FileMode, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	return fi.Mode(), nil
}

// AuditOptions tunes the audit. The zero value is usable.
type AuditOptions struct {
	// Files inspects file modes; when nil the file-mode checks fall back to
	// data_directory_mode and report the configuration files as errors
	// (unknown), never as passes.
	Files FileInspector
	// MaxSuperusers is how many superuser roles are acceptable (default
	// 1); in RDS mode, how many login roles may hold AdminRole.
	MaxSuperusers int
	// Mode chooses between the self-managed and the RDS reading of the
	// checks; the zero value detects RDS (see AuditAuto).
	Mode AuditMode
	// Parameters is the RDS instance's DB parameter group
	// (rds.InstanceParameters), read in RDS mode: settings it sets are
	// judged by its value, which is what survives a reboot and what the
	// remediation changes. Without it RDS mode judges the live values.
	// A group that cannot be read makes the setting checks that need it
	// errors, never passes.
	Parameters ParameterGroup
	// AdminRole is the role counted instead of superusers in RDS mode
	// (default DefaultAdminRole, rds_superuser).
	AdminRole string
}

// Audit collects a Snapshot of the server q is connected to (and, in RDS
// mode, the parameter group opts names) and runs every check against it.
// The database-scoped checks (PUBLIC CREATE on schema public,
// pg_stat_statements installed) look at q's current database.
func Audit(ctx context.Context, q Querier, opts AuditOptions) ([]Finding, error) {
	snap, err := CollectSnapshot(ctx, q, opts.Files)
	if err != nil {
		return nil, err
	}
	collectParameters(ctx, snap, opts)
	return AuditSnapshot(ctx, snap, opts), nil
}

// AuditSnapshot runs every check against a snapshot collected earlier or
// built by hand (for unit tests of automation built on the audit). In RDS
// mode it judges settings by snap.Parameters where they are set.
func AuditSnapshot(ctx context.Context, snap *Snapshot, opts AuditOptions) []Finding {
	if opts.MaxSuperusers <= 0 {
		opts.MaxSuperusers = 1
	}
	if opts.AdminRole == "" {
		opts.AdminRole = DefaultAdminRole
	}
	t := auditTarget{snap: snap, opts: opts}
	if resolveMode(opts.Mode, snap) == AuditRDS {
		t.rds = true
		return audit.Run(ctx, t, rdsCheckers...)
	}
	return audit.Run(ctx, t, checkers...)
}

// Checks lists the metadata of every check the audit runs. Both modes run
// the same checks; RDS mode changes how some are evaluated and remedied
// (see AuditRDS).
func Checks() []Check {
	out := make([]Check, len(checkers))
	for i, c := range checkers {
		out[i] = c.Check
	}
	return out
}

// RDSChecks lists the checks as RDS mode runs them: the same IDs and
// titles as Checks, with the RDS remediation (a parameter-group change
// instead of ALTER SYSTEM) where it differs. Give it as Report.Checks for
// an RDS audit, so SARIF rule help says what to do on RDS.
func RDSChecks() []Check {
	out := make([]Check, len(rdsCheckers))
	for i, c := range rdsCheckers {
		out[i] = c.Check
	}
	return out
}

type auditTarget struct {
	snap *Snapshot
	opts AuditOptions
	rds  bool // evaluate the way RDS exposes the server
}

// checkers is the catalogue, assembled from the per-area files.
var checkers = concat(hbaCheckers, settingCheckers, roleCheckers, fileCheckers)

func concat[T any](parts ...[]T) []T {
	var out []T
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

type checker = audit.Checker[auditTarget]
