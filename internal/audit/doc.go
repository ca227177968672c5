// Package audit is the one finding model that every hardening check in
// opskit returns, together with the writers, waivers and exit-code gate
// built on it.
//
// A [Check] describes a rule: a stable ID such as "database.pg_hba.trust",
// a title, a [Severity], remediation and references (CIS ids and the like).
// Running a check against a target yields [Finding] values, one per
// resource inspected, each with a [Status]: pass, fail, error, waived or
// n/a (the check does not apply to this target, with the reason: a file
// check on a managed database, say; it never fails a run).
// [Run] runs a list of [Checker] values against one target and guarantees
// that a check which errors or panics still produces a finding with
// [StatusError]; it never vanishes from the report.
//
// A [Report] gathers findings with the tool, the audit's name and target
// and the start and end times, and everything else is a method of it, so
// every package that re-exports Report by alias gives the same API: it is
// written as a human table ([Report.WriteTable]), versioned JSON
// ([Report.WriteJSON], schema [JSONSchema]), SARIF 2.1.0
// ([Report.WriteSARIF]), JUnit XML ([Report.WriteJUnit]) or a
// self-contained HTML page for people ([Report.WriteHTML]: a summary by
// severity, findings grouped by resource with evidence and the fix, no
// script and nothing fetched); [ParseFormat] and [Report.Write] pick one
// by name. Every writer is
// deterministic: output depends only on the report, in the order its
// findings are in ([Report.Sort] gives the canonical order, resources in
// natural order), and all times come from it.
//
// A [Waiver] accepts a known failure for a check on resources matching a
// pattern, with a reason and an expiry. [Report.ApplyWaivers] turns
// matching failures into waived findings; an expired waiver stops waiving
// and the finding records that it expired, and waivers that waived
// nothing are kept so they can be cleaned up. [LoadWaivers] reads them
// from YAML. [Report.ExitCode] turns findings into a process exit code
// for CI from a severity threshold.
//
// # Consumers checked
//
// SARIF: every report that the tests write from a real audit (database on
// PostgreSQL 15, self-managed and in RDS mode with n/a findings, the
// access host audit over SSH, and a report with a check error on no
// resource) passes Microsoft's SARIF multitool
// (npm @microsoft/sarif-multitool, validate) with its GitHub rules on
// (GH1001 to GH1007 and the GitHub Advanced Security rules GH1015 to
// GH1018 and GH2012) with no error, so GitHub code scanning accepts the
// upload. By default only failing and erroring findings become results,
// each with a physical location ([SARIFLocation]), both partial
// fingerprints GitHub and opskit use, and an automationDetails.id;
// results carry SARIF's kind and suppressions for consumers that honour
// them (see [SARIFOptions]). Azure DevOps' Advanced Security rules were
// not checked: they want pipeline properties only its pipeline knows.
//
// JUnit: the structure follows the junit-10.xsd schema that Jenkins'
// xUnit plugin validates every file against (no skipped attribute on
// testsuites; name, tests, failures and errors on every testsuite; times
// as plain decimals), which the Jenkins junit step and GitLab's unit test
// reports also read; a test checks that structure.
//
// Packages such as database, access and database/rds re-export these
// types with aliases (type Report = audit.Report), so everything here is
// written to read well from another package's name.
package audit
