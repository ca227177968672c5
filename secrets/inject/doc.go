// Package inject resolves secret references in an application's
// environment or configuration into their values at process start, so no
// value is written into an image, a compose file or a CI log. References:
//
//	secretsmanager://NAME#json-key   Secrets Manager, current version
//	ssm:///path#json-key             SSM Parameter Store, decrypted
//	swarm://NAME                     Docker secret mounted at /run/secrets/NAME
//	file:///run/secrets/NAME         any file
//
// The "#json-key" part is optional and picks one field of a JSON object.
// A Resolver batches where the API allows: one GetSecretValue per distinct
// secret (run concurrently) and GetParameters for up to ten parameters at
// once. Exec resolves the environment and replaces the process with the
// real program, which receives the values in its environment, never on
// its command line.
package inject
