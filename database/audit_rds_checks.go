package database

import (
	"context"
	"fmt"
	"strings"
)

// rdsValue returns the value RDS mode judges for a setting: the parameter
// group's when it sets it (from names the group), else the live value
// (from is "live value"). A group that was asked for but could not be
// read is an error; a setting visible nowhere gives an empty from.
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
