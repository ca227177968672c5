// Package access will own who and what can get in: SSH access granted and
// revoked from public keys kept as code, short-lived SSH certificates, host
// and container privilege audits, and network-exposure audits of security
// groups and database ports.
package access
