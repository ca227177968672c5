// Package sshhost is the SSH-backed access.Host for Debian hosts: one
// connection per host, every operation a session running one fixed,
// embedded POSIX sh script with a constant command line. Hold a *Host from
// New; it passes access/accesstest on a real sshd.
//
// # The host script
//
// The script is host.sh after a preamble (preamble.go) that sets, as shell
// variables, the paths and names package access defines (RootKeysDir,
// CAKeysFile, SudoersPrefix, ...), so the script, this package's output
// parser and access/accessfake share one definition, and the vipw editor
// (deledit/editor.sh) with its awk programs (deledit/*.awk), each kept in
// its own file. The whole script is sent inside single quotes and contains
// none. User data travels only on stdin, one validated record per op
// (kind, user, shell, groups, expiry, base64 content); nothing from it is
// ever evaluated.
//
// # What the script does for each defence access promises
//
//   - Reads and writes in a home (KeysInHome) run as the user: setpriv with
//     the account's own uid and gid and no supplementary groups, bounded
//     in time, writing a 0600 temporary file with an unpredictable name in
//     a 0700 ~/.ssh (a link there is removed, not followed) and renaming it
//     over authorized_keys. A home the user does not own gets no keys. What
//     the snapshot reads in a home is what the user lets it read (a process
//     of the same uid may trace the reader where kernel.yama.ptrace_scope
//     is 0).
//   - A snapshot with access.SnapshotOptions.SkipKeyFiles (the script's
//     "snapshot nokeys") reads only root-owned files: no reader runs as
//     any account and sshd -T is not run.
//   - A snapshot reads at most access.MaxKeyFileSize of each key file and
//     reports links, FIFOs and oversized files instead of failing.
//   - Root-owned files (sudoers drop-ins, principals, CA and revoked keys,
//     the root-owned key store) are written in root-owned directories
//     through mktemp names and renamed; sudoers drop-ins pass visudo -c
//     first, sshd drop-ins sshd -t before sshd is reloaded.
//   - A host's removals are applied together: one edit of passwd, shadow,
//     group, gshadow, subuid and subgid run as vipw's editor (so it holds
//     lckpwdf and the shadow-utils file locks useradd and passwd respect),
//     after every process of the users is killed, then their homes and
//     mail spools; userdel one at a time is the fallback where vipw is not
//     shadow-utils'. Locking expires the account before it ends the user's
//     processes, so no new login starts.
//   - Facts runs sshd -T globally and, unless sshd_config and its Includes
//     hold no Match block but opskit's own, sshd -T -C for root and every
//     managed account from each of access.SSHDProbeAddrs. It also reads
//     what governs image pulls: /etc/docker/daemon.json and the system-wide
//     login environment files as root, and the dotfiles of root and of each
//     docker group member as that user (the same setpriv reader, bounded
//     by access.MaxEnvFileSize a file).
//   - A snapshot reads the home itself (mode and owner, as the account) of
//     accounts that can log in, as sshd's StrictModes looks at it.
//
// Host keys are checked against Config.KnownHostsFile or
// Config.HostKeyCallback; skipping that takes Config.InsecureIgnoreHostKey.
package sshhost
