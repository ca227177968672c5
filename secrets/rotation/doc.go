// Package rotation rotates a secret with Secrets Manager's four steps over
// any secrets.Store: create a pending version, set it on the target, test
// it, finish by moving the current stage onto it. Every step is idempotent,
// so a run that stops between any two steps resumes and finishes on the
// next run, and a Rotator never runs two rotations of one secret at once.
//
// Hold a *Rotator made by New over a store and a Target; the PostgreSQL
// role-password targets (single user and alternating users) are in
// secrets/rotation/pgrotate.
package rotation
