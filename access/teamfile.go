package access

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// TeamFile is a validated team file: teams, users with their keys, and host
// groups with the teams that may enter them.
type TeamFile struct {
	// Path names the file in errors.
	Path string
	// Teams by name.
	Teams map[string]*Team
	// Users in file order.
	Users []*User
	// HostGroups by name.
	HostGroups map[string]*HostGroup
}

// Team is a named group of users.
type Team struct {
	Name        string
	Description string
	Line        int
}

// User is one declared user.
type User struct {
	// Name is the login name on hosts.
	Name string
	// Teams the user belongs to.
	Teams []string
	// Keys are the user's validated public keys, github: sources resolved.
	Keys []Key
	// Sudo grants passwordless sudo on every host the user may enter,
	// through a drop-in in /etc/sudoers.d. HostGroup.SudoTeams grants it on
	// the hosts of one group only.
	Sudo bool
	// Shell is the login shell (default /bin/bash). It must be one of
	// LoginShells unless AllowUnlistedShell is set.
	Shell string
	// AllowUnlistedShell accepts a Shell outside LoginShells (key
	// allow_unlisted_shell); it must still be an absolute path of
	// [A-Za-z0-9/._-], and hosts still check their own /etc/shells.
	AllowUnlistedShell bool
	// Groups are supplementary groups on the host.
	Groups []string
	// PrivilegedGroups are the groups of PrivilegedGroups this user may be
	// given (key privileged_groups); each must also be in Groups. Any other
	// privileged group in Groups is refused.
	PrivilegedGroups []string
	// Expires is the last day the user may log in; zero means never. An
	// expired user is treated as absent, and hosts get the date as the
	// account expiry so access lapses even without a re-run.
	Expires time.Time
	// Line is the line that declares the user.
	Line int
}

// Expired reports whether the user's expiry date is before now's date.
func (u *User) Expired(now time.Time) bool {
	if u.Expires.IsZero() {
		return false
	}
	y, m, d := now.UTC().Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return u.Expires.Before(today)
}

// HostGroup is a set of hosts and the teams that may enter them.
type HostGroup struct {
	Name  string
	Teams []string
	// SudoTeams are the teams, among Teams, whose users get passwordless
	// sudo on the group's hosts (key sudo_teams).
	SudoTeams []string
	Line      int
}

// LoadOptions configures team file loading.
type LoadOptions struct {
	// Keys is the policy every key must meet.
	Keys KeyPolicy
	// Fetcher resolves github:USER key sources; nil rejects them.
	Fetcher KeyFetcher
}

// DefaultShell is the login shell given to users that do not name one.
const DefaultShell = "/bin/bash"

// MaxKeyCommentLen is the longest comment a key line in a team file may
// carry, in bytes.
const MaxKeyCommentLen = 1024

// MaxKeyLineLen is the longest key line a team file may carry, in bytes:
// OpenSSH's SSH_MAX_PUBKEY_BYTES (16,384), the longest authorized_keys line
// sshd read before it switched to unbounded lines, enough for a 16,384-bit
// RSA key.
const MaxKeyLineLen = 16384

// LoadTeamFile reads and validates the team file at path. It reads at most
// MaxTeamFileSize bytes plus one, and refuses anything but a regular file.
func LoadTeamFile(ctx context.Context, path string, opts LoadOptions) (*TeamFile, error) {
	// Checked before opening too: opening a FIFO would block.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, ValidationErrors{{File: path, Err: fmt.Errorf("%w: not a regular file (%s)", ErrInvalidField, fi.Mode().Type())}}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("access: read team file: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil {
		return nil, fmt.Errorf("access: read team file: %w", err)
	} else if !fi.Mode().IsRegular() {
		return nil, ValidationErrors{{File: path, Err: fmt.Errorf("%w: not a regular file (%s)", ErrInvalidField, fi.Mode().Type())}}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxTeamFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("access: read team file %s: %w", path, err)
	}
	if len(data) > MaxTeamFileSize {
		return nil, ValidationErrors{{File: path, Err: fmt.Errorf("%w: larger than %d bytes (MaxTeamFileSize)", ErrInvalidField, MaxTeamFileSize)}}
	}
	return ParseTeamFile(ctx, path, data, opts)
}

// ParseTeamFile validates data as a team file named name. Every problem is
// reported, each as a *ValidationError naming the file, line, user and
// field, together in a ValidationErrors. The file must be one YAML
// document of at most MaxTeamFileSize bytes without duplicate keys,
// anchors, aliases or explicit tags; those problems are reported alone,
// before any field is read.
func ParseTeamFile(ctx context.Context, name string, data []byte, opts LoadOptions) (*TeamFile, error) {
	if _, err := opts.Keys.minRSA(); err != nil {
		return nil, err
	}
	p := &parser{file: name, opts: opts, tf: &TeamFile{Path: name, Teams: map[string]*Team{}, HostGroups: map[string]*HostGroup{}}}
	if root := p.decodeStrict(data); root != nil {
		p.parseRoot(ctx, root)
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool { return p.errs[i].Line < p.errs[j].Line })
		return nil, p.errs
	}
	return p.tf, nil
}

type parser struct {
	file string
	opts LoadOptions
	tf   *TeamFile
	errs ValidationErrors
}

func (p *parser) fail(n *yaml.Node, user, field string, err error) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.errs = append(p.errs, &ValidationError{File: p.file, Line: line, User: user, Field: field, Err: err})
}

// mapping iterates a mapping node's pairs, reporting keys not in allowed.
func (p *parser) mapping(n *yaml.Node, user, where string, allowed []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.fail(n, user, where, fmt.Errorf("%w: want a mapping", ErrInvalidField))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if allowed != nil && !slices.Contains(allowed, k.Value) {
			p.fail(k, user, where, fmt.Errorf("%w: unknown field %q (allowed: %s)", ErrInvalidField, k.Value, strings.Join(allowed, ", ")))
			continue
		}
		fn(k.Value, k, v)
	}
}

func (p *parser) strings(n *yaml.Node, user, field string) []*yaml.Node {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, user, field, fmt.Errorf("%w: want a list", ErrInvalidField))
		return nil
	}
	var out []*yaml.Node
	for _, c := range n.Content {
		if c.Kind != yaml.ScalarNode {
			p.fail(c, user, field, fmt.Errorf("%w: want a string", ErrInvalidField))
			continue
		}
		out = append(out, c)
	}
	return out
}

func (p *parser) parseRoot(ctx context.Context, root *yaml.Node) {
	var usersNode, groupsNode *yaml.Node
	p.mapping(root, "", "", []string{"teams", "users", "host_groups"}, func(key string, _, v *yaml.Node) {
		switch key {
		case "teams":
			p.parseTeams(v)
		case "users":
			usersNode = v
		case "host_groups":
			groupsNode = v
		}
	})
	if usersNode != nil {
		p.parseUsers(ctx, usersNode)
	}
	if groupsNode != nil {
		p.parseHostGroups(groupsNode)
	}
}

func (p *parser) parseTeams(n *yaml.Node) {
	p.mapping(n, "", "teams", nil, func(name string, k, v *yaml.Node) {
		if !validToken(name) {
			p.fail(k, "", "teams", fmt.Errorf("%w: team name %q", ErrInvalidField, name))
			return
		}
		t := &Team{Name: name, Line: k.Line}
		if v.Kind == yaml.MappingNode {
			p.mapping(v, "", "team "+name, []string{"description"}, func(_ string, _, dv *yaml.Node) { t.Description = dv.Value })
		} else if !(v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == "")) {
			p.fail(v, "", "team "+name, fmt.Errorf("%w: want a mapping", ErrInvalidField))
		}
		p.tf.Teams[name] = t
	})
}

func (p *parser) parseHostGroups(n *yaml.Node) {
	p.mapping(n, "", "host_groups", nil, func(name string, k, v *yaml.Node) {
		if !validToken(name) {
			p.fail(k, "", "host_groups", fmt.Errorf("%w: host group name %q", ErrInvalidField, name))
			return
		}
		g := &HostGroup{Name: name, Line: k.Line}
		var sudoNodes []*yaml.Node
		p.mapping(v, "", "host group "+name, []string{"teams", "sudo_teams"}, func(key string, _, tv *yaml.Node) {
			field := "host group " + name + " " + key
			for _, t := range p.strings(tv, "", field) {
				if _, ok := p.tf.Teams[t.Value]; !ok {
					p.fail(t, "", field, fmt.Errorf("%w: %q", ErrUnknownTeam, t.Value))
					continue
				}
				if key == "teams" {
					g.Teams = append(g.Teams, t.Value)
				} else {
					sudoNodes = append(sudoNodes, t)
				}
			}
		})
		// Checked once every team of the group is known, whatever the key
		// order: sudo only where the team may enter.
		for _, t := range sudoNodes {
			if !slices.Contains(g.Teams, t.Value) {
				p.fail(t, "", "host group "+name+" sudo_teams", fmt.Errorf("%w: team %q may not enter host group %q, so it cannot have sudo there", ErrInvalidField, t.Value, name))
				continue
			}
			g.SudoTeams = append(g.SudoTeams, t.Value)
		}
		p.tf.HostGroups[name] = g
	})
}

func (p *parser) parseUsers(ctx context.Context, n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "", "users", fmt.Errorf("%w: want a list", ErrInvalidField))
		return
	}
	seenUser := map[string]int{}
	seenKey := map[string]string{}
	for _, un := range n.Content {
		u := &User{Line: un.Line, Shell: DefaultShell}
		var keyNodes, groupNodes, privNodes []*yaml.Node
		var shellNode *yaml.Node
		hasName := false
		// The name first, so every other error can name the user.
		if un.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(un.Content); i += 2 {
				if un.Content[i].Value == "name" {
					u.Name = un.Content[i+1].Value
				}
			}
		}
		p.mapping(un, u.Name, "", userFields, func(key string, _, v *yaml.Node) {
			switch key {
			case "name":
				hasName = true
				if err := ValidateUserName(v.Value); err != nil {
					p.fail(v, u.Name, "name", err)
				}
			case "teams":
				for _, t := range p.strings(v, u.Name, "teams") {
					if _, ok := p.tf.Teams[t.Value]; !ok {
						p.fail(t, u.Name, "teams", fmt.Errorf("%w: %q", ErrUnknownTeam, t.Value))
						continue
					}
					u.Teams = append(u.Teams, t.Value)
				}
			case "keys":
				keyNodes = p.strings(v, u.Name, "keys")
			case "sudo":
				if err := v.Decode(&u.Sudo); err != nil {
					p.fail(v, u.Name, "sudo", fmt.Errorf("%w: want true or false", ErrInvalidField))
				}
			case "shell":
				if !validShell(v.Value) {
					p.fail(v, u.Name, "shell", fmt.Errorf("%w: %q is not an absolute path of [A-Za-z0-9/._-]", ErrInvalidField, v.Value))
				} else {
					shellNode = v
				}
				u.Shell = v.Value
			case "allow_unlisted_shell":
				if err := v.Decode(&u.AllowUnlistedShell); err != nil {
					p.fail(v, u.Name, key, fmt.Errorf("%w: want true or false", ErrInvalidField))
				}
			case "groups":
				groupNodes = p.tokens(v, u.Name, key, "group")
			case "privileged_groups":
				privNodes = p.tokens(v, u.Name, key, "group")
			case "expires":
				t, err := time.Parse("2006-01-02", v.Value)
				if err != nil {
					p.fail(v, u.Name, "expires", fmt.Errorf("%w: want YYYY-MM-DD, got %q", ErrInvalidField, v.Value))
				}
				u.Expires = t
			}
		})
		if u.Name == "" {
			if !hasName {
				p.fail(un, "", "name", fmt.Errorf("%w: missing", ErrInvalidUserName))
			}
			continue
		}
		if shellNode != nil && !u.AllowUnlistedShell && !IsLoginShell(u.Shell) {
			p.fail(shellNode, u.Name, "shell", fmt.Errorf("%w: %s is not a known login shell (LoginShells); set allow_unlisted_shell: true on this user to allow it", ErrInvalidField, u.Shell))
		}
		p.groups(u, groupNodes, privNodes)
		if first, dup := seenUser[u.Name]; dup {
			p.fail(un, u.Name, "name", fmt.Errorf("%w: first declared on line %d", ErrDuplicateUser, first))
		}
		seenUser[u.Name] = un.Line
		for i, kn := range keyNodes {
			field := fmt.Sprintf("key %d", i+1)
			if err := checkKeyLength(kn.Value); err != nil {
				p.fail(kn, u.Name, field, err)
				continue
			}
			keys, err := p.resolveKey(ctx, kn.Value)
			if err != nil {
				p.fail(kn, u.Name, field, err)
				continue
			}
			for _, k := range keys {
				if len(k.Comment) > MaxKeyCommentLen {
					p.fail(kn, u.Name, field, fmt.Errorf("%w: key %s comment is %d bytes, at most %d (MaxKeyCommentLen)", ErrInvalidKey, k.Fingerprint(), len(k.Comment), MaxKeyCommentLen))
					continue
				}
				k.Line = kn.Line
				fp := k.Fingerprint()
				if owner, dup := seenKey[fp]; dup {
					p.fail(kn, u.Name, field, fmt.Errorf("%w: %s already given to %s", ErrDuplicateKey, fp, owner))
					continue
				}
				seenKey[fp] = fmt.Sprintf("%s (line %d)", u.Name, kn.Line)
				u.Keys = append(u.Keys, k)
			}
		}
		p.tf.Users = append(p.tf.Users, u)
	}
}

// userFields are the keys a user mapping may have.
var userFields = []string{"name", "teams", "keys", "sudo", "shell", "allow_unlisted_shell", "groups", "privileged_groups", "expires"}

// tokens reads a list of names that follow the user-name rules.
func (p *parser) tokens(n *yaml.Node, user, field, what string) []*yaml.Node {
	var out []*yaml.Node
	for _, g := range p.strings(n, user, field) {
		if !validToken(g.Value) {
			p.fail(g, user, field, fmt.Errorf("%w: %s name %q", ErrInvalidField, what, g.Value))
			continue
		}
		out = append(out, g)
	}
	return out
}

// groups sets u.Groups and u.PrivilegedGroups: a group of PrivilegedGroups
// in groups must also be named in privileged_groups, and privileged_groups
// names only privileged groups that groups gives.
func (p *parser) groups(u *User, groupNodes, privNodes []*yaml.Node) {
	for _, g := range privNodes {
		if !IsPrivilegedGroup(g.Value) {
			p.fail(g, u.Name, "privileged_groups", fmt.Errorf("%w: %q is not a privileged group (PrivilegedGroups); list it in groups only", ErrInvalidField, g.Value))
			continue
		}
		if !slices.ContainsFunc(groupNodes, func(n *yaml.Node) bool { return n.Value == g.Value }) {
			p.fail(g, u.Name, "privileged_groups", fmt.Errorf("%w: %q is not in this user's groups", ErrInvalidField, g.Value))
			continue
		}
		u.PrivilegedGroups = append(u.PrivilegedGroups, g.Value)
	}
	for _, g := range groupNodes {
		if IsPrivilegedGroup(g.Value) && !slices.Contains(u.PrivilegedGroups, g.Value) {
			p.fail(g, u.Name, "groups", fmt.Errorf("%w: %q is a privileged group (root or close to it on a host); name it in this user's privileged_groups too to grant it", ErrInvalidField, g.Value))
			continue
		}
		u.Groups = append(u.Groups, g.Value)
	}
}

// checkKeyLength bounds a key line before it is parsed, so a huge comment
// fails here, naming the user and key, instead of on every host at apply.
func checkKeyLength(line string) error {
	if len(line) > MaxKeyLineLen {
		return fmt.Errorf("%w: line is %d bytes, at most %d (MaxKeyLineLen)", ErrInvalidKey, len(line), MaxKeyLineLen)
	}
	return nil
}

func (p *parser) resolveKey(ctx context.Context, v string) ([]Key, error) {
	account, ok := strings.CutPrefix(v, "github:")
	if !ok {
		k, err := ParseKey(v, p.opts.Keys)
		return []Key{k}, err
	}
	if p.opts.Fetcher == nil {
		return nil, fmt.Errorf("%w: %s: no key fetcher configured", ErrFetchKeys, v)
	}
	lines, err := p.opts.Fetcher.FetchKeys(ctx, account)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, fmt.Errorf("%w: %s: no keys published", ErrFetchKeys, v)
	}
	var out []Key
	for i, l := range lines {
		k, err := ParseKey(l, p.opts.Keys)
		if err != nil {
			return nil, fmt.Errorf("%s key %d: %w", v, i+1, err)
		}
		k.Source = v
		out = append(out, k)
	}
	return out, nil
}

// User returns the named user, or nil.
func (tf *TeamFile) User(name string) *User {
	for _, u := range tf.Users {
		if u.Name == name {
			return u
		}
	}
	return nil
}

// UsersFor returns the users that may enter hosts in any of the given host
// groups and have not expired at now, sorted by name.
func (tf *TeamFile) UsersFor(hostGroups []string, now time.Time) ([]*User, error) {
	teams := map[string]bool{}
	for _, g := range hostGroups {
		hg, ok := tf.HostGroups[g]
		if !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownHostGroup, g)
		}
		for _, t := range hg.Teams {
			teams[t] = true
		}
	}
	var out []*User
	for _, u := range tf.Users {
		if u.Expired(now) {
			continue
		}
		for _, t := range u.Teams {
			if teams[t] {
				out = append(out, u)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Grant is what one user gets on one host.
type Grant struct {
	User *User
	// Sudo is set when the user has sudo everywhere (User.Sudo) or is in
	// one of the SudoTeams of a host group the host belongs to.
	Sudo bool
}

// GrantsFor returns what each user gets on a host in the given host groups:
// the users of UsersFor, each with its sudo right there.
func (tf *TeamFile) GrantsFor(hostGroups []string, now time.Time) ([]Grant, error) {
	users, err := tf.UsersFor(hostGroups, now)
	if err != nil {
		return nil, err
	}
	sudoTeams := map[string]bool{}
	for _, g := range hostGroups {
		for _, t := range tf.HostGroups[g].SudoTeams {
			sudoTeams[t] = true
		}
	}
	out := make([]Grant, len(users))
	for i, u := range users {
		out[i] = Grant{User: u, Sudo: u.Sudo || slices.ContainsFunc(u.Teams, func(t string) bool { return sudoTeams[t] })}
	}
	return out, nil
}
