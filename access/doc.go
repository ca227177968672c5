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
// # Team file reference
//
// A team file is one YAML document of at most MaxTeamFileSize bytes
// (4 MiB), without duplicate keys, anchors, aliases or explicit tags. Names
// of users, teams, groups and host groups follow useradd's rule
// ([a-z_][a-z0-9_-]*, at most 32 bytes). The top level has three keys, all
// optional:
//
//	teams        mapping of team name to {description: string} (or empty)
//	users        list of users (below)
//	host_groups  mapping of host group name to a host group (below)
//
// A user:
//
//	name                  string, required; the login name on hosts
//	teams                 list of team names; default none (enters no host)
//	keys                  list of strings; default none. Each is an
//	                      authorized_keys line without options (at most
//	                      MaxKeyLineLen bytes, comment at most
//	                      MaxKeyCommentLen) or github:USER
//	sudo                  bool; default false. Passwordless sudo on every
//	                      host the user enters
//	shell                 string; default /bin/bash. One of LoginShells
//	allow_unlisted_shell  bool; default false. Accept a shell outside
//	                      LoginShells (hosts still check /etc/shells)
//	groups                list of group names; default none. Supplementary
//	                      groups, created when missing
//	privileged_groups     list of group names; default none. The groups of
//	                      PrivilegedGroups in groups that are meant; any
//	                      other privileged group is refused
//	expires               date YYYY-MM-DD; default never. The last day the
//	                      user may log in; hosts get it as account expiry
//
// A host group:
//
//	teams       list of team names; default none. Their users enter the
//	            group's hosts
//	sudo_teams  list of team names, each also in teams; default none. Their
//	            users get passwordless sudo on the group's hosts
//
// For example:
//
//	teams:
//	  backend: {description: Backend engineers}
//	  ops: {}
//	users:
//	  - name: alice
//	    teams: [backend]
//	    keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGr5d5Ad6aAOlR3r6Q0iU3Q+pNwV0ERj0j3vS8Jw3WcX alice@laptop"]
//	    groups: [deploy, docker]
//	    privileged_groups: [docker]
//	    expires: 2026-12-31
//	  - name: bob
//	    teams: [ops]
//	    keys: ["github:bob"]
//	    shell: /usr/bin/zsh
//	host_groups:
//	  web: {teams: [backend, ops], sudo_teams: [ops]}
//	  db: {teams: [ops]}
//
// # Provisioning
//
// A Provisioner plans (Plan), grants (Grant), reconciles (Reconcile) and
// revokes (Revoke) over many Targets at once with a concurrency bound and a
// per-host timeout, returning a HostResult per host. A second run with the
// same team file changes nothing and says so. Hosts implement the small
// Host interface: Snapshot, Apply, Facts. A run reads what is in homes
// (SnapshotOptions) only where it decides on it: granting keys kept in
// homes, or revoking by locking. Every Op is validated before a
// host is contacted, as the team file is (keys parsed with no options,
// sudoers content generated, principals plain names, privileged groups only
// when allowed), and hosts act only on accounts opskit created. Bad input
// of any kind matches ErrInvalid.
//
// UserData renders the same grants for a new host as cloud-init user data
// (#cloud-config), planned by the same code as a grant to an empty host,
// so an instance or a launch template boots with the team's keys in place
// and later grants and revokes manage those accounts as their own.
//
// The backends: access/sshhost reaches a Debian host over SSH (its package
// doc says how the host script works); access/accessfake is an in-memory
// host with users, groups, files, modes, owners and sshd settings; and
// access/accesstest is the conformance suite both pass (accesstest.Run
// with a Harness); run it against your own Host too.
//
// # Where keys live, and what each choice defends against
//
// The people on the other side are assumed hostile: a managed user may
// plant links, FIFOs or huge files in their home, race renames against
// opskit, or try to outlast their own revocation. Root never follows a
// path a user controls.
//
//   - KeysRootOwned (Options.Keys zero value, recommended): keys live in
//     RootKeysDir/USER, root-owned 0644, and an sshd drop-in (Match Group
//     opskit-keys, checked by sshd -t) makes sshd read only that file for
//     managed users. Nothing is written in a home. A user cannot add a key
//     opskit does not know, cannot make the audit read anything they
//     chose, and revoking deletes one root-owned file. Accounts opskit does
//     not manage, root included, keep their own authorized_keys.
//   - KeysInHome: keys live in ~/.ssh/authorized_keys. Every read and
//     write there runs with the user's own uid and gid, so a link or a
//     race inside the home reaches nothing the user could not reach
//     anyway (TestSymlinkRace), and a home the user does not own gets no
//     keys. The user still owns the file: keys they add between runs are
//     seen only by the next audit or grant, and what the snapshot reads in
//     a home is what the user lets it read.
//
// In both modes: a snapshot reads at most MaxKeyFileSize of each key file
// and reports links, FIFOs and oversized files instead of failing, so
// nothing a user does to their files can block a Grant, a Revoke or an
// audit (TestRevokeUnblockable). Revoking ends every process of the user
// (remove and lock alike); lock also expires the account first, so no new
// login starts (TestLockEndsSessions). Root-owned files are replaced
// atomically and sudoers drop-ins pass visudo -c first; how the SSH host
// does each of these is in access/sshhost's doc.
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
// AuditHost (sshd -T settings, globally and for root and every managed
// account from SSHDProbeAddrs so Match blocks are seen; the host key, key
// exchange, cipher and MAC algorithms the server offers in a real
// handshake, and Terrapin exposure; undeclared or exposed authorized keys;
// ~/.ssh not 0700, key files open to others, homes writable by others;
// extra UID 0 accounts; accounts in PrivilegedGroups; pending security
// updates; reboot required) returns the shared finding model (Finding,
// Report and its table, JSON, SARIF and JUnit writers). Facts also carry
// what governs image pulls on the host (daemon.json, the login environment
// of root and the docker group). The container audit (access/containeraudit,
// over the Docker Engine API and a Host) and the network audit
// (access/netaudit, over EC2) return the same model from their own
// packages, so this one depends on neither the Docker client nor the AWS
// SDK.
package access
