package database

import (
	"context"
	"fmt"
	"net"
	"slices"
)

func hbaCheck(c Check, bad func(t auditTarget, r HBARule) (string, bool)) checker {
	return checker{Check: c, Func: func(_ context.Context, t auditTarget) ([]Finding, error) {
		if t.snap.HBAErr != nil {
			return nil, t.snap.HBAErr
		}
		var out []Finding
		for _, r := range t.snap.HBA {
			if r.Error != "" && c.ID != "database.pg_hba.invalid_line" {
				continue
			}
			if why, isBad := bad(t, r); isBad {
				out = append(out, c.Fail(r.Resource(), why+": "+r.String()))
			} else {
				out = append(out, c.Pass(r.Resource()))
			}
		}
		return out, nil
	}}
}

const reloadSQL = "SELECT pg_reload_conf();"

var hbaCheckers = []checker{
	hbaCheck(Check{
		ID: "database.pg_hba.trust", Title: "pg_hba.conf rule allows trust authentication", Severity: SeverityCritical,
		Description: "trust lets anyone who can reach the server log in as any matching role without a password.",
		Remediation: Remediation{Text: "Replace trust with scram-sha-256 (or peer for local sockets) in pg_hba.conf, then reload.", SQL: reloadSQL},
		References:  []string{"CIS PostgreSQL 15 4.3", "pgdsat 4.3"},
	}, func(_ auditTarget, r HBARule) (string, bool) { return "method trust", r.Method == "trust" }),
	hbaCheck(Check{
		ID: "database.pg_hba.password", Title: "pg_hba.conf rule sends passwords in clear text", Severity: SeverityCritical,
		Remediation: Remediation{Text: "Replace password with scram-sha-256 in pg_hba.conf, then reload.", SQL: reloadSQL},
		References:  []string{"CIS PostgreSQL 15 4.3"},
	}, func(_ auditTarget, r HBARule) (string, bool) { return "method password", r.Method == "password" }),
	hbaCheck(Check{
		ID: "database.pg_hba.md5", Title: "pg_hba.conf rule uses md5 authentication", Severity: SeverityMedium,
		Remediation: Remediation{Text: "Re-set the roles' passwords under password_encryption = scram-sha-256, replace md5 with scram-sha-256 in pg_hba.conf, then reload.", SQL: "SET password_encryption = 'scram-sha-256'; ALTER ROLE <role> PASSWORD '<new>'; " + reloadSQL},
		References:  []string{"CIS PostgreSQL 15 4.3"},
	}, func(_ auditTarget, r HBARule) (string, bool) { return "method md5", r.Method == "md5" }),
	hbaCheck(Check{
		ID: "database.pg_hba.ident", Title: "pg_hba.conf rule trusts a remote ident server", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Replace ident on TCP rules with scram-sha-256 or cert, then reload.", SQL: reloadSQL},
		References:  []string{"pgdsat 4.3"},
	}, func(_ auditTarget, r HBARule) (string, bool) {
		return "method ident over TCP", r.Method == "ident" && r.Type != "local"
	}),
	hbaCheck(Check{
		ID: "database.pg_hba.wide_range", Title: "pg_hba.conf rule accepts a wide address range", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Narrow the address to the application subnets (at most a /16 for IPv4, /112 for IPv6), then reload.", SQL: reloadSQL},
		References:  []string{"pgdsat 4.3", "CIS PostgreSQL 15 5.1"},
	}, func(_ auditTarget, r HBARule) (string, bool) {
		if r.Type == "local" {
			return "", false
		}
		if r.Address == "all" {
			return "address all", true
		}
		if ones, bits, ok := prefix(r); ok && bits-ones > 16 {
			return fmt.Sprintf("/%d admits 2^%d addresses", ones, bits-ones), true
		}
		return "", false
	}),
	hbaCheck(Check{
		ID: "database.pg_hba.all_all_remote", Title: "pg_hba.conf rule admits every role to every database from the network", Severity: SeverityMedium,
		Remediation: Remediation{Text: "Name the databases and roles (or +groups) each network rule is for, then reload.", SQL: reloadSQL},
		References:  []string{"pgdsat 4.3"},
	}, func(_ auditTarget, r HBARule) (string, bool) {
		return "all databases and all users", r.Type != "local" && !loopback(r) &&
			slices.Contains(r.Databases, "all") && slices.Contains(r.Users, "all")
	}),
	hbaCheck(Check{
		ID: "database.pg_hba.remote_superuser", Title: "pg_hba.conf rule lets a superuser log in from the network", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Restrict superusers to local (Unix socket) connections: exclude them from host rules, then reload.", SQL: reloadSQL},
		References:  []string{"pgdsat 4.3", "CIS PostgreSQL 15 4.4"},
	}, func(t auditTarget, r HBARule) (string, bool) {
		if r.Type == "local" || loopback(r) || r.Method == "reject" || slices.Contains(r.Databases, "replication") && len(r.Databases) == 1 {
			return "", false
		}
		for _, u := range r.Users {
			if u == "all" {
				return "all users (superusers included)", true
			}
			for _, ro := range t.snap.Roles {
				if ro.Superuser && ro.Name == u {
					return "superuser " + u, true
				}
			}
		}
		return "", false
	}),
	hbaCheck(Check{
		ID: "database.pg_hba.host_without_ssl", Title: "pg_hba.conf network rule allows connections without TLS", Severity: SeverityHigh,
		Remediation: Remediation{Text: "Use hostssl instead of host for every non-loopback rule, then reload.", SQL: reloadSQL},
		References:  []string{"pgdsat 6.8", "CIS PostgreSQL 15 6.7"},
	}, func(_ auditTarget, r HBARule) (string, bool) {
		return "host (not hostssl) from a non-loopback address", r.Type == "host" && !loopback(r) && r.Method != "reject"
	}),
	hbaCheck(Check{
		ID: "database.pg_hba.invalid_line", Title: "pg_hba.conf has a line the server cannot parse", Severity: SeverityMedium,
		Description: "A reload with an invalid pg_hba.conf is refused, so later fixes silently do not take effect.",
		Remediation: Remediation{Text: "Fix or remove the line, check SELECT * FROM pg_hba_file_rules WHERE error IS NOT NULL is empty, then reload.", SQL: "SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL; " + reloadSQL},
	}, func(_ auditTarget, r HBARule) (string, bool) { return "error", r.Error != "" }),
}

// prefix returns the rule's mask length.
func prefix(r HBARule) (ones, bits int, ok bool) {
	ip := net.ParseIP(r.Address)
	if ip == nil {
		return 0, 0, false
	}
	if r.Netmask == "" {
		return 0, 0, false
	}
	m := net.ParseIP(r.Netmask)
	if m == nil {
		return 0, 0, false
	}
	if v4 := m.To4(); v4 != nil && ip.To4() != nil {
		m = v4
	}
	ones, bits = net.IPMask(m).Size()
	return ones, bits, bits != 0
}

// loopback reports rules that only admit loopback addresses.
func loopback(r HBARule) bool {
	if r.Address == "samehost" {
		return true
	}
	ip := net.ParseIP(r.Address)
	if ip == nil || !ip.IsLoopback() {
		return false
	}
	ones, bits, ok := prefix(r)
	if !ok {
		return false
	}
	if bits == 32 {
		return ones >= 8 // inside 127.0.0.0/8
	}
	return ones == 128
}
