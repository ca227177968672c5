// Package secrets keeps secret values out of images, code and logs: one
// store interface over several backends, with the versions and stages
// (current, pending, previous) that rotation needs.
//
// Hold a *Store, made by New over a backend: secrets/secretsmanager (AWS
// Secrets Manager), secrets/ssm (SSM Parameter Store SecureString),
// secrets/filestore (read-only files such as /run/secrets/NAME) or the
// in-memory secrets/secretsfake. Values come back as Value, whose every
// printed form (String, %v, %#v, JSON, text, slog) is Redacted; errors
// never carry a value. secrets/driver is the interface backends implement
// and secrets/secretstest the conformance suite they pass.
//
// Around the store: secrets/envelope encrypts data of any size under KMS,
// secrets/rotation rotates a secret in four resumable steps
// (secrets/rotation/pgrotate for PostgreSQL role passwords), and
// secrets/inject resolves references such as secretsmanager://NAME#key in
// an application's environment at start-up.
//
// For people and for what ships: secrets/passbolt is a Passbolt API client
// (JWT login with the server key pinned, resources, sharing) and
// secrets/passbolt/passbolttest a Passbolt server to test against;
// secrets/teamvault keeps team passwords in a git repository, each file
// encrypted with age to the SSH keys of the team members who may read it;
// secrets/lint finds secrets leaked into Dockerfiles, compose files, env
// files and built images; secrets/certs audits ACM certificates and probes
// TLS endpoints.
package secrets
