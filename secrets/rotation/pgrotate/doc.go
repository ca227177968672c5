// Package pgrotate holds rotation targets for PostgreSQL role passwords,
// with the two strategies Secrets Manager documents:
//
//   - SingleUser: the role changes its own password. Between setSecret and
//     finishSecret the stored current password no longer works, so
//     applications retry on authentication failure, re-reading the secret.
//   - Alternating: two roles with the same grants (NAME and NAME_clone, the
//     clone made from the original's role memberships and table
//     privileges); each rotation sets a new password on the role that is not
//     current, so the current one keeps working. It needs a separate admin
//     secret whose role may create roles and grant.
//
// Secret values are JSON {"username": ..., "password": ...}, the format of
// Secrets Manager's database secrets. Passwords reach the server as
// SCRAM-SHA-256 verifiers computed here, never in clear, so they cannot end
// up in the server's statement log.
package pgrotate
