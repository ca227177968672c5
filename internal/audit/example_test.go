package audit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/internal/audit"
)

// pgHBA stands in for a real target, such as a database connection.
type pgHBA struct{ lines []string }

var trust = audit.Check{
	ID:          "database.pg_hba.trust",
	Title:       "pg_hba.conf allows trust authentication",
	Severity:    audit.SeverityCritical,
	Remediation: audit.Remediation{Text: "Use scram-sha-256.", SQL: "SELECT pg_reload_conf();"},
	References:  []string{"CIS PostgreSQL 16 v1.0.0 3.1.2"},
}

var checkers = []audit.Checker[pgHBA]{{
	Check: trust,
	Func: func(_ context.Context, hba pgHBA) ([]audit.Finding, error) {
		var out []audit.Finding
		for i, line := range hba.lines {
			res := fmt.Sprintf("pg_hba.conf:%d", i+1)
			if strings.HasSuffix(line, " trust") {
				out = append(out, trust.Fail(res, line))
			} else {
				out = append(out, trust.Pass(res))
			}
		}
		return out, nil
	},
}, {
	Check: audit.Check{ID: "database.ssl.disabled", Title: "server accepts connections without TLS", Severity: audit.SeverityHigh},
	Func: func(context.Context, pgHBA) ([]audit.Finding, error) {
		return nil, fmt.Errorf("show ssl: permission denied")
	},
}}

// Build a report by running checks against a target, then write it as a
// table. The check that could not run still shows up, as an error.
func Example() {
	start := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	target := pgHBA{lines: []string{
		"local all postgres peer",
		"host all all 0.0.0.0/0 trust",
	}}
	r := &audit.Report{
		Tool:     audit.Tool{Name: "opskit", Version: "0.1.0"},
		Target:   "db1",
		Started:  start,
		Findings: audit.Run(context.Background(), target, checkers...),
		Finished: start.Add(2 * time.Second),
	}
	r.Sort()
	if err := r.WriteTable(os.Stdout); err != nil {
		fmt.Println(err)
	}
	fmt.Println("exit code:", r.ExitCode(audit.SeverityHigh))
	// Output:
	// SEVERITY  STATUS  CHECK                  RESOURCE       TITLE
	// critical  pass    database.pg_hba.trust  pg_hba.conf:1  pg_hba.conf allows trust authentication
	// critical  fail    database.pg_hba.trust  pg_hba.conf:2  pg_hba.conf allows trust authentication
	// high      error   database.ssl.disabled  -              server accepts connections without TLS
	//
	// 3 findings: 1 fail (1 critical), 1 error, 0 waived, 1 pass
	//
	// notes:
	//   database.ssl.disabled -: check error: show ssl: permission denied
	// exit code: 2
}

// For a terminal, list only what needs attention: passed findings are
// counted in the summary but get no row.
func ExampleReport_WriteTableWith() {
	target := pgHBA{lines: []string{
		"local all postgres peer",
		"host all all 0.0.0.0/0 trust",
	}}
	r := &audit.Report{Findings: audit.Run(context.Background(), target, checkers[0])}
	r.Sort()
	if err := r.WriteTableWith(os.Stdout, audit.TableOptions{}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// SEVERITY  STATUS  CHECK                  RESOURCE       TITLE
	// critical  fail    database.pg_hba.trust  pg_hba.conf:2  pg_hba.conf allows trust authentication
	//
	// 2 findings: 1 fail (1 critical), 0 error, 0 waived, 1 pass
}

// Waivers accept known failures until they expire. An expired waiver stops
// waiving and the finding says so; a waiver that waived nothing is returned
// for clean-up.
func ExampleReport_ApplyWaivers() {
	waivers, err := audit.ParseWaivers(strings.NewReader(`
waivers:
  - check: database.pg_hba.trust
    resource: "pg_hba.conf:1?"
    reason: replication subnet, OPS-1234
    expires: 2026-06-30
  - check: database.pg_hba.trust
    resource: "pg_hba.conf:2"
    reason: legacy app
    expires: 2026-01-31
  - check: database.ssl.disabled
    resource: "*"
    reason: TLS at the proxy
    expires: 2026-12-31
`), "waivers.yaml")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &audit.Report{Findings: []audit.Finding{
		trust.Fail("pg_hba.conf:2", "host all all 0.0.0.0/0 trust"),
		trust.Fail("pg_hba.conf:12", "host replication all 10.0.0.0/8 trust"),
	}}
	r.ApplyWaivers(time.Date(2026, 3, 14, 0, 0, 0, 0, time.UTC), waivers)
	for _, f := range r.Findings {
		fmt.Print(f.Resource, ": ", f.Status)
		if f.ExpiredWaiver != nil {
			fmt.Print(" (waiver expired on ", f.ExpiredWaiver.Expires.Format(time.DateOnly), ")")
		}
		fmt.Println()
	}
	for _, w := range r.UnusedWaivers {
		fmt.Println("unused:", w.CheckID, "at", w.Source)
	}
	fmt.Println("exit code:", r.ExitCode(audit.SeverityHigh))
	// Output:
	// pg_hba.conf:2: fail (waiver expired on 2026-01-31)
	// pg_hba.conf:12: waived
	// unused: database.ssl.disabled at waivers.yaml:11
	// exit code: 1
}

// ParseSeverity names the bad value in its error, for flags and config.
func ExampleParseSeverity() {
	s, err := audit.ParseSeverity("High")
	fmt.Println(s, err)
	_, err = audit.ParseSeverity("urgent")
	fmt.Println(err)
	// Output:
	// high <nil>
	// audit: unknown severity "urgent" (want one of critical, high, medium, low, info)
}

// ParseFormat picks a writer by name, e.g. from a --format flag.
func ExampleReport_Write() {
	f, err := audit.ParseFormat("junit")
	if err != nil {
		fmt.Println(err)
		return
	}
	r := &audit.Report{Findings: []audit.Finding{trust.Pass("pg_hba.conf:1")}}
	if err := r.Write(os.Stdout, f); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <testsuites name="opskit" tests="1" failures="0" errors="0">
	//   <testsuite name="database.pg_hba.trust" tests="1" failures="0" errors="0" skipped="0">
	//     <properties>
	//       <property name="title" value="pg_hba.conf allows trust authentication"></property>
	//       <property name="severity" value="critical"></property>
	//     </properties>
	//     <testcase name="pg_hba.conf:1" classname="database.pg_hba.trust"></testcase>
	//   </testsuite>
	// </testsuites>
}

// WriteSARIF writes what GitHub code scanning accepts: only failing and
// erroring findings, each with a physical location. The line of a file
// keeps its line; other resources get a stable URI under "opskit/".
func ExampleReport_WriteSARIF() {
	r := &audit.Report{
		Tool:   audit.Tool{Name: "opskit", Version: "0.1.0"},
		Name:   "database",
		Target: "db1:5432",
		Findings: []audit.Finding{
			trust.Pass("pg_hba.conf:1"),
			trust.Fail("pg_hba.conf:90", "host all all 0.0.0.0/0 trust"),
			checkers[1].Errored("setting ssl", fmt.Errorf("permission denied")),
		},
	}
	var buf strings.Builder
	if err := r.WriteSARIF(&buf, audit.SARIFOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	var log struct {
		Runs []struct {
			AutomationDetails struct{ ID string }
			Results           []struct {
				Kind      string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(buf.String()), &log); err != nil {
		fmt.Println(err)
		return
	}
	run := log.Runs[0]
	fmt.Println("automationDetails.id:", run.AutomationDetails.ID)
	for _, res := range run.Results {
		loc := res.Locations[0].PhysicalLocation
		fmt.Printf("%s %s:%d %s\n", res.Kind, loc.ArtifactLocation.URI, loc.Region.StartLine, res.Message.Text)
	}
	// Output:
	// automationDetails.id: database/db1:5432/
	// fail pg_hba.conf:90 pg_hba.conf allows trust authentication on pg_hba.conf:90: host all all 0.0.0.0/0 trust.
	// open opskit/setting%20ssl:1 server accepts connections without TLS on setting ssl: check could not decide: permission denied.
}
