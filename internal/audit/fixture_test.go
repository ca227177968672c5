package audit

import "time"

var (
	fixtureStart = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)
	fixtureNow   = fixtureStart.Add(90 * time.Second)
)

var (
	checkTrust = Check{
		ID:          "database.pg_hba.trust",
		Title:       "pg_hba.conf allows trust authentication",
		Description: "A trust line lets anyone who can reach the server log in as any role without a password.",
		Severity:    SeverityCritical,
		Remediation: Remediation{
			Text:    "Replace trust with scram-sha-256 and reload the configuration.",
			Command: "sed -i 's/trust$/scram-sha-256/' \"$PGDATA/pg_hba.conf\"",
			SQL:     "SELECT pg_reload_conf();",
		},
		References: []string{"CIS PostgreSQL 16 v1.0.0 3.1.2", "https://www.postgresql.org/docs/current/auth-trust.html"},
		Tags:       []string{"cis", "authentication"},
	}
	checkSSL = Check{
		ID:          "database.ssl.disabled",
		Title:       "server accepts connections without TLS",
		Severity:    SeverityHigh,
		Remediation: Remediation{Text: "Enable TLS.", SQL: "ALTER SYSTEM SET ssl = on;"},
	}
	checkRoot = Check{
		ID:          "access.sshd.permit_root_login",
		Title:       "sshd permits root login",
		Severity:    SeverityHigh,
		Remediation: Remediation{Command: "sshd -T | grep -i permitrootlogin"},
	}
	checkAudit = Check{
		ID:       "secrets.vault.audit_device",
		Title:    "Vault has no audit device",
		Severity: SeverityMedium,
	}
	checkX11 = Check{
		ID:       "access.sshd.x11_forwarding",
		Title:    "sshd allows X11 forwarding",
		Severity: SeverityLow,
		Remediation: Remediation{
			Text:    "Set X11Forwarding no.",
			Command: "echo 'X11Forwarding no' > /etc/ssh/sshd_config.d/50-x11.conf # ``` fenced",
		},
	}
	checkHBAMode = Check{
		ID:       "database.files.hba_file_mode",
		Title:    "pg_hba.conf is writable by group or readable by others",
		Severity: SeverityHigh,
	}
	checkBanner = Check{
		ID:       "access.sshd.banner",
		Title:    "sshd shows no login banner",
		Severity: SeverityInfo,
	}
)

var fixtureWaivers = []Waiver{
	{CheckID: "database.pg_hba.trust", Resource: "pg_hba.conf:15", Reason: "replication host on a private VLAN, OPS-1234", Owner: "dba-team", Expires: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), Source: "waivers.yaml:2"},
	{CheckID: "database.ssl.disabled", Resource: "postgres://db1:*", Reason: "TLS terminates at the proxy", Expires: time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), Source: "waivers.yaml:8"},
	{CheckID: "access.sshd.permit_root_login", Resource: "host *", Reason: "bootstrap only", Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Source: "waivers.yaml:13"},
}

// fixtureReport exercises every status (n/a included), a waived, an
// expired-waiver and an unused-waiver case, and a hostile resource name.
func fixtureReport() *Report {
	r := &Report{
		Tool:     Tool{Name: "opskit", Version: "0.1.0", InformationURI: "https://github.com/opskit-dev/opskit"},
		Target:   "postgres://db1:5432",
		Started:  fixtureStart,
		Finished: fixtureNow,
		Checks:   []Check{checkTrust, checkSSL, checkRoot, checkAudit, checkX11, checkBanner, checkHBAMode},
		Findings: []Finding{
			checkBanner.Pass("host db1:22"),
			checkX11.Fail("host web\x1b[2J\n:22", "X11Forwarding yes\tat line 3"),
			checkTrust.Fail("pg_hba.conf:15", "host replication all 10.0.0.0/8 trust"),
			checkRoot.Pass("host db1:22"),
			checkAudit.Errored("vault:sys/audit", errString("permission denied")),
			checkTrust.Fail("pg_hba.conf:12", "host all all 0.0.0.0/0 trust"),
			checkSSL.Fail("postgres://db1:5432", "ssl = off"),
			checkHBAMode.NotApplicable("pg_hba.conf", "RDS manages pg_hba.conf; there is no file to inspect"),
		},
	}
	r.ApplyWaivers(fixtureNow, fixtureWaivers)
	r.Sort()
	return r
}

type errString string

func (e errString) Error() string { return string(e) }
