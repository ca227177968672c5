package access

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxUserDataSize is the most user data EC2 accepts for an instance or a
// launch template, before base64.
const MaxUserDataSize = 16 << 10

// UserDataOptions configures UserData.
type UserDataOptions struct {
	// Keys chooses where keys are kept, as Options.Keys does for a grant;
	// the zero value is KeysRootOwned.
	Keys KeyStore
	// Now is the clock for expiry dates; default time.Now.
	Now func() time.Time
	// KeepDefaultUser keeps the image's default user (cloud-init's
	// "default" entry, such as admin on Debian's cloud images); by default
	// only the team's users are created.
	KeepDefaultUser bool
}

// cloudConfig is the part of cloud-init's #cloud-config that UserData
// writes, in the order cloud-init runs it at first boot: bootcmd, then
// write_files, then users (cc_users_groups).
type cloudConfig struct {
	Bootcmd    [][]string  `yaml:"bootcmd,omitempty"`
	WriteFiles []cloudFile `yaml:"write_files,omitempty"`
	Users      []any       `yaml:"users"`
	// NoSSHFingerprints turns off cc_ssh_authkey_fingerprints, which
	// prints the first user's keys to the console and, doing so, leaves
	// an empty ~/.ssh/authorized_keys that a grant never makes.
	NoSSHFingerprints bool `yaml:"no_ssh_fingerprints"`
}

type cloudFile struct {
	Path        string `yaml:"path"`
	Owner       string `yaml:"owner"`
	Permissions string `yaml:"permissions"`
	Content     string `yaml:"content"`
}

type cloudUser struct {
	Name   string   `yaml:"name"`
	Gecos  string   `yaml:"gecos"`
	Shell  string   `yaml:"shell"`
	Groups []string `yaml:"groups,omitempty"`
	// ExpireDate is YYYY-MM-DD, or empty for never.
	ExpireDate string `yaml:"expiredate,omitempty"`
	// LockPasswd false and HashedPasswd "*" leave the password field as a
	// grant sets it: no password matches, and the account is not locked
	// (a locked account is what revoking makes).
	LockPasswd        bool     `yaml:"lock_passwd"`
	HashedPasswd      string   `yaml:"hashed_passwd"`
	SSHAuthorizedKeys []string `yaml:"ssh_authorized_keys,omitempty"`
}

// UserData renders what a grant would give a new host in hostGroups as
// cloud-init user data (#cloud-config), for an EC2 instance or a launch
// template (base64 it for the API), so the team's keys are in place at
// first boot. It is planned by the same code as a grant to an empty host,
// every op validated as a host would, and each op becomes cloud-init's own
// module input: accounts become users entries (gecos ManagedMarker, so
// later grants and revokes manage them; shell, groups, expiredate, no
// usable password, not locked); root-owned key files, the sshd drop-in
// and sudoers drop-ins become write_files with the content, owner and
// mode a grant writes; KeysGroup is created as a system group by bootcmd,
// as a grant creates it. With KeysInHome keys become ssh_authorized_keys,
// which cloud-init writes without opskit's header line, so the first grant
// after boot rewrites each file once. Sudo is granted by opskit's own
// drop-in, never by cloud-init's sudo key, so that revoking removes it.
// The output is deterministic: the same team file, groups and day give
// the same bytes.
func UserData(tf *TeamFile, hostGroups []string, opts UserDataOptions) ([]byte, error) {
	if tf == nil {
		return nil, &InvalidError{Input: "UserData", Field: "tf", Reason: "nil", Err: ErrInvalidOption}
	}
	if opts.Keys != KeysRootOwned && opts.Keys != KeysInHome {
		return nil, &InvalidError{Input: "UserDataOptions", Field: "Keys", Reason: fmt.Sprintf("%d is not a KeyStore", opts.Keys), Err: ErrInvalidOption}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	grants, err := tf.GrantsFor(hostGroups, opts.Now())
	if err != nil {
		return nil, err
	}
	p := &Provisioner{opts: Options{Keys: opts.Keys}}
	changes, conflicts := p.planGrant(&HostState{}, grants)
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("access: user data: %w", errors.Join(conflicts...))
	}
	cc := cloudConfig{NoSSHFingerprints: true}
	if opts.KeepDefaultUser {
		cc.Users = append(cc.Users, "default")
	}
	users := map[string]*cloudUser{}
	for _, c := range changes {
		op := c.Op
		if err := op.Validate(); err != nil {
			return nil, err
		}
		switch op.Kind {
		case OpConfigureRootKeys:
			cc.Bootcmd = append(cc.Bootcmd, []string{"groupadd", "-r", "-f", KeysGroup})
			cc.WriteFiles = append(cc.WriteFiles, cloudFile{Path: KeysDropIn, Owner: "root:root", Permissions: "0644", Content: KeysDropInContent + "\n"})
		case OpEnsureUser:
			u := &cloudUser{Name: op.User, Gecos: ManagedMarker, Shell: op.Shell, Groups: op.Groups, ExpireDate: op.Expires, HashedPasswd: "*"}
			users[op.User] = u
			cc.Users = append(cc.Users, u)
		case OpSetRootKeys:
			cc.WriteFiles = append(cc.WriteFiles, cloudFile{Path: RootKeysDir + "/" + op.User, Owner: "root:root", Permissions: "0644", Content: string(op.Content)})
		case OpSetKeys:
			u := users[op.User]
			for _, l := range strings.Split(string(op.Content), "\n") {
				if l != "" && !strings.HasPrefix(l, "#") {
					u.SSHAuthorizedKeys = append(u.SSHAuthorizedKeys, l)
				}
			}
		case OpSetSudoers:
			cc.WriteFiles = append(cc.WriteFiles, cloudFile{Path: SudoersPrefix + op.User, Owner: "root:root", Permissions: "0440", Content: string(op.Content)})
		default:
			return nil, fmt.Errorf("access: user data: a grant planned %s, which user data cannot express", op)
		}
	}
	var b bytes.Buffer
	b.WriteString("#cloud-config\n")
	b.WriteString("# opskit: the team's access at first boot; opskit grants and revokes manage it afterwards\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(cc); err != nil {
		return nil, fmt.Errorf("access: user data: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("access: user data: %w", err)
	}
	if b.Len() > MaxUserDataSize {
		return nil, &InvalidError{Input: "user data for host groups " + strings.Join(hostGroups, ", "), Reason: fmt.Sprintf("%d bytes, over EC2's limit of %d", b.Len(), MaxUserDataSize), Err: ErrInvalidOption}
	}
	return b.Bytes(), nil
}
