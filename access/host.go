package access

import (
	"context"
	"encoding/base64"
	"io/fs"
	"strings"
)

// Host is one machine whose accounts opskit manages. The SSH-backed
// implementation is in access/sshhost, the in-memory one in access/accessfake;
// access/accesstest is the conformance suite both pass.
//
// Implementations must apply ops in order and independently: a failing op
// yields its OpResult.Err and the rest still run. An error returned by Apply
// itself means the host could not be reached or the exchange broke, and
// says nothing about which ops ran.
type Host interface {
	// Name identifies the host in results and errors.
	Name() string
	// Snapshot returns the host's accounts and the files opskit manages.
	Snapshot(ctx context.Context) (*HostState, error)
	// Apply runs ops in order and returns one result per op.
	Apply(ctx context.Context, ops []Op) ([]OpResult, error)
	// Facts returns what the host audit reads: effective sshd settings,
	// pending upgrades and whether a reboot is required.
	Facts(ctx context.Context) (*HostFacts, error)
	// Close releases the host's connection, if any.
	Close() error
}

// ManagedMarker is the GECOS field of every account opskit creates; an
// account without it is never modified or removed.
const ManagedMarker = "opskit"

// HostState is what a Host reports about its accounts.
type HostState struct {
	// Accounts are every account in /etc/passwd, in file order.
	Accounts []Account
	// TrustedCAKeys is the content of the CA keys file opskit installs, nil
	// when absent.
	TrustedCAKeys []byte
	// RevokedKeys is the content of the revoked keys file, nil when absent.
	RevokedKeys []byte
	// RootKeysConfigured reports that KeysGroup, RootKeysDir and the sshd
	// drop-in that makes sshd read KeysGroup members' keys from there are
	// in place (OpConfigureRootKeys).
	RootKeysConfigured bool
}

// Account returns the named account, or nil.
func (s *HostState) Account(name string) *Account {
	for i := range s.Accounts {
		if s.Accounts[i].Name == name {
			return &s.Accounts[i]
		}
	}
	return nil
}

// Account is one user account on a host.
type Account struct {
	Name  string
	UID   int
	GID   int
	Home  string
	Shell string
	// Groups are the supplementary groups, sorted.
	Groups []string
	// Managed reports that opskit created the account (ManagedMarker).
	Managed bool
	// Locked reports a locked password ('!' in /etc/shadow).
	Locked bool
	// Expires is the account expiry date (YYYY-MM-DD), "" for never.
	Expires string
	// SSHDir is ~/.ssh as the user sees it, nil when absent or not a
	// directory.
	SSHDir *FileInfo
	// AuthorizedKeys is ~/.ssh/authorized_keys, nil when absent, not a
	// regular file or over MaxKeyFileSize.
	AuthorizedKeys *File
	// RootKeys is the user's root-owned keys file RootKeysDir/NAME
	// (KeysRootOwned), nil when absent.
	RootKeys *File
	// KeyFiles are the files sshd's AuthorizedKeysFile names for the
	// account (with %h, %u and %% expanded), and ~/.ssh, as the account
	// itself sees them: read with its own uid, links reported and never
	// followed by root, content cut at MaxKeyFileSize. In KeysInHome a
	// user controls these files and what the read reports about them; see
	// the package doc.
	KeyFiles []KeyFile
	// Sudoers is opskit's drop-in /etc/sudoers.d/opskit-NAME, nil when absent.
	Sudoers *File
	// Principals is the user's AuthorizedPrincipalsFile, nil when absent.
	Principals *File
}

// KeyFile is one file a host reads keys from for an account.
type KeyFile struct {
	// Path is the absolute path.
	Path string
	// Type is the file type without following a link: "file", "dir",
	// "symlink", "fifo" or "other".
	Type string
	FileInfo
	// Size is the size on disk.
	Size int64
	// Content is a regular file's content, or the content of the regular
	// file a link leads to, at most MaxKeyFileSize bytes.
	Content []byte
	// Truncated reports that the file is larger than MaxKeyFileSize and
	// only its start was read.
	Truncated bool
}

// MaxKeyFileSize bounds what a snapshot reads of one key file, so that no
// user can make a snapshot (and with it a revoke) fail or exhaust memory
// by growing their authorized_keys. Anything larger is reported as
// Truncated and fails the host audit.
const MaxKeyFileSize = 1 << 20

// RootKeysDir is the root-owned directory of KeysRootOwned keys files,
// one per user, and KeysGroup the group whose members sshd reads only
// from there.
const (
	RootKeysDir = "/etc/ssh/opskit_authorized_keys"
	KeysGroup   = "opskit-keys"
)

// FileInfo is a file's permission bits and owner.
type FileInfo struct {
	Mode  fs.FileMode
	Owner string
	Group string
}

// File is a file's content with its permissions and owner.
type File struct {
	FileInfo
	Content []byte
}

// OpKind names an operation a Host applies.
type OpKind string

// The operations.
const (
	// OpEnsureUser creates the user (home, shell, groups, expiry) or updates
	// an account opskit manages, unlocking it.
	OpEnsureUser OpKind = "user"
	// OpSetKeys replaces ~/.ssh/authorized_keys with Content (KeysInHome).
	// The host writes it with the user's own uid and gid, never as root: a
	// 0700 ~/.ssh (a link there is removed, not followed), a 0600 temporary
	// file with an unpredictable name, renamed over the old file.
	OpSetKeys OpKind = "keys"
	// OpSetRootKeys replaces the user's root-owned keys file
	// (RootKeysDir/USER, 0644) with Content (KeysRootOwned); empty Content
	// removes it.
	OpSetRootKeys OpKind = "rootkeys"
	// OpConfigureRootKeys creates the KeysGroup group and the sshd drop-in
	// that makes sshd read the keys of that group's members only from
	// RootKeysDir, checked by sshd -t before sshd is reloaded.
	OpConfigureRootKeys OpKind = "keysconf"
	// OpSetSudoers installs Content as /etc/sudoers.d/opskit-USER after
	// visudo -c accepts it; empty Content removes the drop-in.
	OpSetSudoers OpKind = "sudo"
	// OpRemoveUser deletes the user with its home (userdel -r) and its
	// drop-ins. Removing an absent user succeeds.
	OpRemoveUser OpKind = "deluser"
	// OpLockUser locks the password and expires the account, ends every
	// process of the user, removes its root-owned keys, sudoers drop-in and
	// principals, and removes ~/.ssh/authorized_keys as the user; the home
	// is kept.
	OpLockUser OpKind = "lock"
	// OpSetPrincipals writes the user's AuthorizedPrincipalsFile; empty
	// Content removes it.
	OpSetPrincipals OpKind = "principals"
	// OpTrustCA installs Content as the trusted user CA keys and configures
	// sshd (TrustedUserCAKeys, AuthorizedPrincipalsFile, RevokedKeys),
	// validating with sshd -t before reloading it.
	OpTrustCA OpKind = "trustca"
	// OpSetRevokedKeys replaces the revoked keys file with Content.
	OpSetRevokedKeys OpKind = "revoked"
)

// Op is one change to a host. Every field is validated before any host is
// contacted; Content travels base64-encoded on stdin.
type Op struct {
	Kind OpKind
	// User is the account the op applies to (not used by OpTrustCA and
	// OpSetRevokedKeys).
	User string
	// Shell, Groups and Expires (YYYY-MM-DD or "") are used by OpEnsureUser.
	Shell   string
	Groups  []string
	Expires string
	// AllowPrivileged lists the groups of PrivilegedGroups that Groups may
	// contain (a team file's privileged_groups); any other privileged group
	// is refused.
	AllowPrivileged []string
	// Content is the file content for OpSetKeys, OpSetSudoers,
	// OpSetPrincipals, OpTrustCA and OpSetRevokedKeys.
	Content []byte
}

// OpResult is the outcome of one Op.
type OpResult struct {
	Op  Op
	Err error
}

func (o Op) String() string {
	switch o.Kind {
	case OpTrustCA, OpSetRevokedKeys, OpConfigureRootKeys:
		return string(o.Kind)
	}
	return string(o.Kind) + " " + o.User
}

// Validate checks every field of o as a team file is checked: the user
// name, shell and groups against the rules the host script relies on
// (privileged groups only when allowed), keys parsed with no options,
// sudoers content exactly what SudoersContent generates, principals one
// plain name a line. Hosts refuse an op that does not validate before
// anything is applied.
func (o Op) Validate() error {
	if err := o.validateFields(); err != nil {
		return err
	}
	return o.validateContent()
}

// Record encodes o as the one-line record the host script reads on stdin:
// kind, user, shell, groups, expires and base64 content separated by single
// spaces, "-" for an empty field. Only validated ops may be encoded.
func (o Op) Record() (string, error) {
	if err := o.Validate(); err != nil {
		return "", err
	}
	dash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	return strings.Join([]string{
		string(o.Kind), dash(o.User), dash(o.Shell), dash(strings.Join(o.Groups, ",")),
		dash(o.Expires), dash(base64.StdEncoding.EncodeToString(o.Content)),
	}, " ") + "\n", nil
}

func validDate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i, c := range []byte(s) {
		if i != 4 && i != 7 && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// HostFacts is what the host audit reads from a host.
type HostFacts struct {
	// SSHD maps each lowercase keyword printed by `sshd -T` to its values,
	// one entry per line (HostKey, for example, appears several times).
	SSHD map[string][]string
	// SSHDError says why sshd -T failed, "" when it worked.
	SSHDError string
	// SSHDMatches are the effective settings for root and every account
	// opskit manages from each of SSHDProbeAddrs, so Match blocks that
	// change them are seen.
	SSHDMatches []SSHDMatch
	// Offer is what the SSH server offers in its handshake, nil when it
	// could not be read (OfferError says why).
	Offer      *SSHOffer
	OfferError string
	// PackageLists reports whether apt has package lists; without them
	// pending updates cannot be known.
	PackageLists bool
	// Upgrades are the packages `apt-get -s upgrade` would upgrade.
	Upgrades []PackageUpgrade
	// UpgradesError says why the simulation failed, "" when it worked.
	UpgradesError string
	// RebootRequired reports /var/run/reboot-required.
	RebootRequired bool
	// RebootPackages lists /var/run/reboot-required.pkgs.
	RebootPackages []string
}

// PackageUpgrade is one pending package upgrade.
type PackageUpgrade struct {
	Name    string
	Version string
	// Origin is the archive the new version comes from, e.g.
	// "Debian-Security:12/stable-security".
	Origin string
	// Security reports an upgrade from a security pocket.
	Security bool
}

// ParseAptSimulation parses the "Inst" lines of `apt-get -s upgrade`.
func ParseAptSimulation(out string) []PackageUpgrade {
	var ups []PackageUpgrade
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, "Inst ")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		u := PackageUpgrade{Name: f[0]}
		if i := strings.Index(rest, "("); i >= 0 {
			inner := strings.TrimSuffix(strings.TrimSpace(rest[i+1:]), ")")
			pf := strings.Fields(inner)
			if len(pf) > 0 {
				u.Version = pf[0]
			}
			if len(pf) > 1 {
				u.Origin = strings.TrimSuffix(pf[1], ",")
			}
		}
		u.Security = strings.Contains(strings.ToLower(rest), "-security") || strings.Contains(rest, "Debian-Security")
		ups = append(ups, u)
	}
	return ups
}

// ParseSSHDConfig parses `sshd -T` output into lowercase keyword → values.
func ParseSSHDConfig(out string) map[string][]string {
	m := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, v, _ := strings.Cut(line, " ")
		k = strings.ToLower(k)
		m[k] = append(m[k], strings.TrimSpace(v))
	}
	return m
}
