package database

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
)

func fileCheck(c Check, setting string, allowed fs.FileMode) checker {
	return checker{Check: c, Func: func(_ context.Context, t auditTarget) ([]Finding, error) {
		path := t.snap.Settings[setting].Value
		res := path
		if res == "" {
			res = setting
		}
		mode, ok := t.snap.FileModes[setting]
		if !ok {
			if setting == "data_directory" {
				// The server's own record of the mode it found at start.
				if v, err := strconv.ParseUint(t.snap.Settings["data_directory_mode"].Value, 8, 32); err == nil {
					mode, ok = fs.FileMode(v), true
				}
			}
			if !ok {
				if err := t.snap.FileErrs[setting]; err != nil {
					return []Finding{c.Errored(res, err)}, nil
				}
				return []Finding{c.Errored(res, fmt.Errorf("file modes not inspected (AuditOptions.Files is nil)"))}, nil
			}
		}
		if extra := mode.Perm() &^ allowed; extra != 0 {
			return []Finding{c.Fail(res, fmt.Sprintf("mode %04o grants %04o beyond %04o", mode.Perm(), extra, allowed))}, nil
		}
		return []Finding{c.Pass(res)}, nil
	}}
}

var fileCheckers = []checker{
	fileCheck(Check{
		ID: "database.files.data_directory_mode", Title: "data directory is accessible to group or others", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Restrict the data directory to its owner.", Command: "chmod 0700 \"$PGDATA\""},
		References:  []string{"CIS PostgreSQL 15 2.x", "pgdsat 2.2"},
	}, "data_directory", 0o700),
	fileCheck(Check{
		ID: "database.files.hba_file_mode", Title: "pg_hba.conf is writable by group or readable by others", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Make pg_hba.conf owner-writable, group-readable at most.", Command: "chmod 0640 \"$(psql -Atc 'SHOW hba_file')\""},
		References:  []string{"pgdsat 2.3", "dev-sec postgres-baseline postgres-04"},
	}, "hba_file", 0o640),
	fileCheck(Check{
		ID: "database.files.config_file_mode", Title: "postgresql.conf is writable by group or readable by others", Severity: SeverityMedium,
		Remediation: Remediation{Text: "Make postgresql.conf owner-writable, group-readable at most.", Command: "chmod 0640 \"$(psql -Atc 'SHOW config_file')\""},
		References:  []string{"dev-sec postgres-baseline postgres-03"},
	}, "config_file", 0o640),
}
