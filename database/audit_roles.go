package database

import (
	"context"
	"fmt"
	"strings"
)

// roleCheck evaluates every login role (or every role when all is set).
func roleCheck(c Check, needPasswords bool, bad func(ro Role) (string, bool)) checker {
	return checker{Check: c, Func: func(_ context.Context, t auditTarget) ([]Finding, error) {
		if t.snap.Roles == nil && t.snap.RolesErr != nil {
			return nil, t.snap.RolesErr
		}
		if needPasswords && t.snap.RolesErr != nil {
			return nil, t.snap.RolesErr
		}
		var out []Finding
		for _, ro := range t.snap.Roles {
			if !ro.Login {
				continue
			}
			res := "role " + ro.Name
			if why, isBad := bad(ro); isBad {
				out = append(out, c.Fail(res, why))
			} else {
				out = append(out, c.Pass(res))
			}
		}
		return out, nil
	}}
}

var superuserCheck = Check{
	ID: "database.roles.superuser_count", Title: "more superuser roles than needed", Severity: SeverityMedium,
	Remediation: Remediation{Text: "Keep one break-glass superuser; give operators pg_monitor, pg_maintain-style grants or ownership instead.", SQL: "ALTER ROLE <role> NOSUPERUSER;"},
	References:  []string{"pgdsat 4.2", "dev-sec postgres-baseline postgres-07"},
}

var publicCreateCheck = Check{
	ID: "database.schema.public_create", Title: "PUBLIC may create objects in schema public", Severity: SeverityHigh,
	Description: "Any role can plant functions or tables in public that shadow trusted ones (CVE-2018-1058). PostgreSQL 15 revokes it by default, but upgraded and restored databases keep the old ACL.",
	Remediation: Remediation{SQL: "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"},
	References:  []string{"CVE-2018-1058", "pgdsat 4.10", "pgwatch reco_default_public_schema"},
}

var roleCheckers = []checker{
	{Check: superuserCheck, Func: func(_ context.Context, t auditTarget) ([]Finding, error) {
		if t.snap.Roles == nil && t.snap.RolesErr != nil {
			return nil, t.snap.RolesErr
		}
		var supers []string
		for _, ro := range t.snap.Roles {
			if ro.Superuser {
				supers = append(supers, ro.Name)
			}
		}
		if len(supers) > t.opts.MaxSuperusers {
			return []Finding{superuserCheck.Fail("cluster", fmt.Sprintf("%d superusers (at most %d wanted): %s", len(supers), t.opts.MaxSuperusers, strings.Join(supers, ", ")))}, nil
		}
		return []Finding{superuserCheck.Pass("cluster")}, nil
	}},
	roleCheck(Check{
		ID: "database.roles.no_password", Title: "login role has no password", Severity: SeverityMedium,
		Description: "A login role without a password can only authenticate through trust, peer, ident or certificates; check that this is intended.",
		Remediation: Remediation{Text: "Set a password (SCRAM) or make the role NOLOGIN.", SQL: "ALTER ROLE <role> PASSWORD '<secret>'; -- or ALTER ROLE <role> NOLOGIN;"},
		References:  []string{"dev-sec postgres-baseline postgres-08"},
	}, true, func(ro Role) (string, bool) { return "rolpassword is NULL", ro.Password == "" }),
	roleCheck(Check{
		ID: "database.roles.md5_password", Title: "login role's password is stored as an md5 hash", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Re-set the password while password_encryption = scram-sha-256.", SQL: "SET password_encryption = 'scram-sha-256'; ALTER ROLE <role> PASSWORD '<secret>';"},
		References:  []string{"CIS PostgreSQL 15 4.8"},
	}, true, func(ro Role) (string, bool) {
		return "password hash is " + ro.Password, ro.Password == "md5" || ro.Password == "plain"
	}),
	roleCheck(Check{
		ID: "database.roles.connection_limit", Title: "login role has no connection limit", Severity: SeverityLow,
		Remediation: Remediation{SQL: "ALTER ROLE <role> CONNECTION LIMIT <n>;"},
		References:  []string{"pgdsat 4.x (rolconnlimit)"},
	}, false, func(ro Role) (string, bool) { return "rolconnlimit = -1", ro.ConnLimit < 0 && !ro.Superuser }),
	{Check: publicCreateCheck, Func: func(_ context.Context, t auditTarget) ([]Finding, error) {
		if !t.snap.PublicSchemaExists {
			return nil, nil
		}
		res := "database " + t.snap.Database + " schema public"
		if t.snap.PublicSchemaCreateByPublic {
			return []Finding{publicCreateCheck.Fail(res, "PUBLIC has CREATE on schema public")}, nil
		}
		return []Finding{publicCreateCheck.Pass(res)}, nil
	}},
}
