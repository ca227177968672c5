// Package audit is the one finding model that every hardening check in
// opskit returns, together with the writers, waivers and exit-code gate
// built on it.
//
// A [Check] describes a rule: a stable ID such as "database.pg_hba.trust",
// a title, a [Severity], remediation and references (CIS ids and the like).
// Running a check against a target yields [Finding] values, one per
// resource inspected, each with a [Status]: pass, fail, error or waived.
// [Run] runs a list of [Checker] values against one target and guarantees
// that a check which errors or panics still produces a finding with
// [StatusError]; it never vanishes from the report.
//
// A [Report] gathers findings with the tool name and version, the target
// and the start and end times. It is written as a human table
// ([WriteTable]), versioned JSON ([WriteJSON], schema [JSONSchema]),
// SARIF 2.1.0 ([WriteSARIF]) or JUnit XML ([WriteJUnit]); [ParseFormat]
// and [Write] pick one by name. Every writer is deterministic: output
// depends only on the report, in the order its findings are in (call
// [Report.Sort] for the canonical order), and all times come from it.
//
// A [Waiver] accepts a known failure for a check on resources matching a
// pattern, with a reason and an expiry. [Apply] turns matching failures
// into waived findings; an expired waiver stops waiving and the finding
// records that it expired, and waivers that waived nothing are returned
// so they can be cleaned up. [LoadWaivers] reads them from YAML.
//
// [ExitCode] turns findings into a process exit code for CI from a
// severity threshold.
//
// Packages such as database, access and secrets re-export these types
// with aliases (type Finding = audit.Finding), so everything here is
// written to read well from another package's name.
package audit
