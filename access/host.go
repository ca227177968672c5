package access

import (
	"context"
	"io/fs"
)

// Host is one machine whose accounts opskit manages. The SSH-backed
// implementation is in access/sshhost, the in-memory one in
// access/accessfake. A Host follows these rules, checked by accesstest:
//
//   - Apply refuses a batch with an op that does not Validate, before
//     anything runs; otherwise it applies ops in order and independently: a
//     failing op yields its OpResult.Err and the rest still run.
//   - Snapshot with SnapshotOptions.SkipKeyFiles reads nothing inside any
//     home and leaves HomeDir, SSHDir, AuthorizedKeys and KeyFiles nil;
//     everything else it reports is what a full snapshot reports.
//   - An error returned by Snapshot, Apply or Facts itself matches ErrHost
//     and names the host: it could not be reached or the exchange broke,
//     and says nothing about which ops ran.
//   - Only accounts with ManagedMarker are changed (ErrNotManaged
//     otherwise); a user named like an existing group is not created.
//   - A set of keys, groups or expiry replaces the previous one exactly;
//     an expiry date in the past is set as is.
//   - Keys in a home are written as the user (never through a link, never
//     in a home the user does not own); root-owned files are root's.
//   - Locking expires the account and removes its keys, sudoers and
//     principals; removing takes the home and every membership.
//   - Applies running at the same time on one host all take effect.
type Host interface {
	// Name identifies the host in results and errors.
	Name() string
	// Snapshot returns the host's accounts and the files opskit manages;
	// opts says what may be left out. The zero SnapshotOptions reads
	// everything.
	Snapshot(ctx context.Context, opts SnapshotOptions) (*HostState, error)
	// Apply runs ops in order and returns one result per op.
	Apply(ctx context.Context, ops []Op) ([]OpResult, error)
	// Facts returns what the host audit reads: effective sshd settings,
	// pending upgrades and whether a reboot is required.
	Facts(ctx context.Context) (*HostFacts, error)
	// Close releases the host's connection, if any.
	Close() error
}

// SnapshotOptions says what Host.Snapshot may leave out. The zero value
// leaves out nothing.
type SnapshotOptions struct {
	// SkipKeyFiles leaves out what is read inside homes: every Account's
	// HomeDir, SSHDir, AuthorizedKeys and KeyFiles are nil, and nothing runs
	// as any account. A caller that needs none of them (removing accounts,
	// granting with KeysRootOwned) sets it: reading them costs a process
	// chain per account on an SSH host.
	SkipKeyFiles bool
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
	// HomeDir is the home directory's mode and owner, read for an account
	// that can log in (a login shell, or key files); nil for any other
	// account, or when the home is absent, a link or not a directory.
	HomeDir *FileInfo
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
