// Package secretsfake is an in-memory secret store with Secrets Manager's
// staging semantics, for tests; not for production. Backend implements
// secrets/driver.Store and NewStore wraps it in the *secrets.Store users
// hold. It passes secrets/secretstest, as the real backends do.
//
// Limits: no persistence, no permissions, no encryption at rest, no
// rotation schedule or Lambda; a deprecated version is dropped at once
// (Secrets Manager keeps up to about 100 before removing them); the
// recovery window is measured on the wall clock and has no 7-30 day bounds.
package secretsfake
