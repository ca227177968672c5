// Package access owns who and what can get in: SSH access granted and
// revoked from public keys kept as code, short-lived SSH certificates, and
// audits of hosts, containers and security groups.
//
// # Keys as code
//
// A team file (YAML) declares teams, users (keys inline or github:USER,
// sudo everywhere, shell, groups, expiry) and host groups with the teams
// that may enter them and the teams that get sudo there (sudo_teams). ParseTeamFile and LoadTeamFile validate everything up front and
// report every problem as a *ValidationError naming file, line, user and
// field: user names as useradd accepts them, keys parsed by
// ssh.ParseAuthorizedKey with nothing left over, no options, no newlines,
// no DSA, RSA of at least 3072 bits (KeyPolicy), no duplicate keys, no
// unknown teams. GitHubKeys fetches github:USER keys with a cache.
//
// # Provisioning
//
// A Provisioner plans (Plan), grants (Grant), reconciles (Reconcile) and
// revokes (Revoke) over many Targets at once with a concurrency bound and a
// per-host timeout, returning a HostResult per host. A second run with the
// same team file changes nothing and says so. Hosts implement the small
// Host interface: Snapshot, Apply, Facts. The SSH host (access/sshhost)
// runs one embedded POSIX sh script per operation with a constant command
// line over one connection per host; every user name, key and file travels
// on stdin as validated records with base64 content. authorized_keys is
// written 0600 to a temporary file in a 0700 ~/.ssh and renamed; sudoers
// drop-ins pass visudo -c before they are installed; opskit never touches
// an account it did not create. A host's removals are applied together:
// one pkill for the revoked users, one edit of passwd, shadow, group,
// gshadow, subuid and subgid run as vipw's editor (so it holds lckpwdf and
// the shadow-utils file locks useradd and passwd respect), then their homes;
// userdel one at a time is the fallback. Host keys are checked against known_hosts;
// skipping that takes sshhost.Config.InsecureIgnoreHostKey.
//
// access/fakehost is an in-memory host with users, groups, files, modes,
// owners and sshd settings, and access/accesstest is the conformance suite
// the fake and the SSH host both pass; run it against your own Host too.
//
// # Certificates
//
// A CA issues short-lived user certificates (principals, validity,
// extensions, source-address, force-command). TrustOp and PrincipalsOp
// configure hosts (TrustedUserCAKeys, AuthorizedPrincipalsFile), and a
// RevocationList becomes sshd's RevokedKeys file for emergencies: an
// OpenSSH KRL that revokes keys, single certificates by serial, or every
// certificate of a key ID (ParseRevocationList reads one back). Access
// otherwise expires with the certificate.
//
// # Audits
//
// AuditHost (sshd -T settings, undeclared or exposed authorized keys, extra
// UID 0 accounts, pending security updates, reboot required),
// AuditContainers (CIS Docker runtime checks over the Engine API, plus
// user-namespace remapping and content trust) and AuditNetwork (EC2 security
// groups open to the internet on sensitive ports, default groups with rules,
// VPCs without flow logs) return the shared finding model (Finding, Report
// and its table, JSON, SARIF and JUnit writers).
package access
