package access

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
