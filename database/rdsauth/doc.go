// Package rdsauth connects to RDS and Aurora PostgreSQL with IAM
// authentication: the password is a short-lived token signed with AWS
// credentials (aws-sdk-go-v2's feature/rds/auth BuildAuthToken), so no
// database password is stored anywhere.
//
// Hold a [*Tokens]. Its [Tokens.BeforeConnect] is a pgx connect hook: it
// puts a token for the host, port and user being dialed in the connection's
// password, building a new one when the cached one is older than
// Options.Lifetime (10 minutes, well inside the 15 minutes RDS accepts a
// token for). Tokens are only checked when a connection is made, so
// long-lived pools keep working: every new connection gets a fresh token.
// [Tokens.ConfigurePool] installs the hook on a pgxpool config and fits
// database.RouterOptions.ConfigurePool as is.
//
// RDS accepts IAM tokens only over TLS: pair it with database.ApplyTLS or
// RouterOptions.TLS and the RDS CA bundle.
package rdsauth
