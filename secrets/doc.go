// Package secrets keeps secret values out of images, code and logs: one
// store interface over several backends, with the versions and stages
// (current, pending, previous) that rotation needs.
//
// Hold a *Store, made by New over a backend: secrets/secretsmanager (AWS
// Secrets Manager), secrets/ssm (SSM Parameter Store SecureString) or the
// in-memory secrets/secretsfake. Values come back as Value, whose every
// printed form (String, %v, %#v, JSON, slog) is Redacted; errors never
// carry a value. secrets/secretstest is the conformance suite every
// backend passes; secrets/driver is the interface backends implement.
package secrets
