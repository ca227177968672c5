// Package access owns who and what can get in: SSH access granted and
// revoked from public keys kept as code (a team file), short-lived SSH
// certificates from a certificate authority, and audits of hosts, containers
// and security groups.
//
// Provisioning works over a small [Host] interface. The SSH-backed host
// (package access/sshhost) sends every piece of user data on stdin to one
// fixed POSIX sh script, so no user name, key or comment ever reaches a
// command line; the in-memory host (package access/fakehost) is a real
// implementation proven by the same conformance suite (access/accesstest).
package access
