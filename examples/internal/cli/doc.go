// Package cli is the scaffolding the example programs share: exit codes and
// the errors that choose them, YAML configuration whose errors name the
// field and line, SIGINT/SIGTERM handling, progress bars on a terminal,
// human output or --json logs, and redaction of credentials in URLs.
//
// It is internal to the examples: the programs show how to compose opskit's
// packages, and this is the plumbing every command-line tool needs around
// them.
package cli
