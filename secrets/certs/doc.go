// Package certs audits TLS certificates: those kept in AWS Certificate
// Manager, and those TLS endpoints actually serve.
//
// AuditACM lists every certificate through the narrow ACMAPI interface
// (*acm.Client satisfies it; a test double needs two methods) and checks
// each for expiry within a threshold, not being in use, failed or stalled
// domain validation, and a weak key algorithm (RSA below 2048 bits).
// Probe connects to one host:port and checks what the server presents and
// accepts: the leaf's expiry, the chain to a given root set, the name,
// the key, protocol versions older than TLS 1.2 and weak cipher suites
// (insecure ones and those without forward secrecy).
//
// Both return findings in the finding model every opskit audit shares,
// re-exported here (Finding, Report and its writers, waivers and exit
// code); ACMChecks and ProbeChecks list the checks. Every check is
// tested both ways: ACM on the moto emulator with certificates imported
// with chosen expiry and key types, the probe against TLS servers on
// loopback with certificates the tests make.
package certs
