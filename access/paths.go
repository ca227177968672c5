package access

// The paths opskit manages on a host. They are defined here once: the SSH
// host's script gets them as shell variables (access/sshhost prepends
// them), its output parser and the fake host (access/accessfake) use these
// constants.
const (
	// RootKeysDir is the root-owned directory of KeysRootOwned keys files,
	// one per user (RootKeysDir/USER).
	RootKeysDir = "/etc/ssh/opskit_authorized_keys"
	// KeysGroup is the group whose members sshd reads keys for only from
	// RootKeysDir.
	KeysGroup = "opskit-keys"
	// KeysDropIn is the sshd drop-in that points KeysGroup at RootKeysDir
	// (OpConfigureRootKeys).
	KeysDropIn = "/etc/ssh/sshd_config.d/opskit-keys.conf"
	// CAKeysFile is the trusted user CA keys file (OpTrustCA).
	CAKeysFile = "/etc/ssh/opskit_user_ca.pub"
	// RevokedKeysFile is sshd's RevokedKeys file (OpSetRevokedKeys).
	RevokedKeysFile = "/etc/ssh/opskit_revoked_keys"
	// PrincipalsDir holds each user's AuthorizedPrincipalsFile
	// (PrincipalsDir/USER).
	PrincipalsDir = "/etc/ssh/opskit_principals"
	// CADropIn is the sshd drop-in that sets TrustedUserCAKeys,
	// AuthorizedPrincipalsFile and RevokedKeys (OpTrustCA).
	CADropIn = "/etc/ssh/sshd_config.d/opskit-ca.conf"
	// SudoersPrefix starts the path of each user's sudoers drop-in
	// (SudoersPrefix + USER).
	SudoersPrefix = "/etc/sudoers.d/opskit-"
)

// KeysDropInContent is the text of KeysDropIn (written with a final
// newline): sshd reads the keys of KeysGroup members from RootKeysDir only.
const KeysDropInContent = "# managed by opskit: keys of " + KeysGroup + " members are root-owned\n" +
	"Match Group " + KeysGroup + "\n" +
	"\tAuthorizedKeysFile " + RootKeysDir + "/%u"
