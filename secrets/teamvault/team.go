package teamvault

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
	"golang.org/x/crypto/ssh"
)

// Team is the team file as the vault reads it: the same YAML shape the
// access package reads (teams, users with keys and teams, host_groups),
// parsed here so the vault does not depend on access. Only what the vault
// needs is kept; the other user fields access knows (sudo, shell, groups,
// ...) are accepted and ignored, and anything else is refused.
type Team struct {
	// Path names the file in errors.
	Path string
	// Teams are the declared team names.
	Teams map[string]bool
	// Members are the users in file order.
	Members []*Member
}

// Member is one user of the team file.
type Member struct {
	// Name is the user's name.
	Name string
	// Teams the user belongs to.
	Teams []string
	// Keys are the user's keys that age can encrypt to (ssh-ed25519 and
	// ssh-rsa of at least 2048 bits).
	Keys []Key
	// Skipped lists the user's keys age cannot encrypt to (other key
	// types, github: sources the vault does not fetch), as "line N: why".
	Skipped []string
	// Expires is the last day the user counts; zero means never. An
	// expired user reads nothing, as access treats them as absent.
	Expires time.Time
	// Line declares the user.
	Line int
}

// Key is one SSH public key a member's entries are encrypted to.
type Key struct {
	// PublicKey is the parsed key.
	PublicKey ssh.PublicKey
	// Fingerprint is its SHA256 fingerprint, e.g. "SHA256:...".
	Fingerprint string
}

// Type is the key's type, "ssh-ed25519" or "ssh-rsa".
func (k Key) Type() string { return k.PublicKey.Type() }

// Member returns the named member, or nil.
func (t *Team) Member(name string) *Member {
	for _, m := range t.Members {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// expired reports whether m's expiry date is before now's date (UTC).
func (m *Member) expired(now time.Time) bool {
	if m.Expires.IsZero() {
		return false
	}
	y, mo, d := now.UTC().Date()
	return m.Expires.Before(time.Date(y, mo, d, 0, 0, 0, 0, time.UTC))
}

// LoadTeam reads and parses the team file at path.
func LoadTeam(path string) (*Team, error) {
	data, err := readBounded(path)
	if err != nil {
		return nil, err
	}
	return ParseTeam(path, data)
}

// userFields are the user keys of the team-file shape, as access reads it.
var userFields = []string{"name", "teams", "keys", "sudo", "shell", "allow_unlisted_shell", "groups", "privileged_groups", "expires"}

var tokenRE = regexp.MustCompile(`^[a-z_][a-z0-9_-]*$`)

// ParseTeam parses data as a team file named name.
func ParseTeam(name string, data []byte) (*Team, error) {
	what := "team file " + name
	root, err := decodeStrict(what, data)
	if err != nil {
		return nil, err
	}
	t := &Team{Path: name, Teams: map[string]bool{}}
	var users *yaml.Node
	err = pairs(what, root, []string{"teams", "users", "host_groups"}, func(key string, _, v *yaml.Node) error {
		switch key {
		case "teams":
			return pairs(what, v, nil, func(team string, k, _ *yaml.Node) error {
				if !tokenRE.MatchString(team) {
					return invalid(fmt.Sprintf("%s:%d", what, k.Line), "teams", "team name %q", team)
				}
				t.Teams[team] = true
				return nil
			})
		case "users":
			users = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if users == nil {
		return t, nil
	}
	if users.Kind != yaml.SequenceNode {
		return nil, invalid(fmt.Sprintf("%s:%d", what, users.Line), "users", "want a list")
	}
	seenKey := map[string]string{}
	for _, un := range users.Content {
		m, err := parseMember(what, t, un, seenKey)
		if err != nil {
			return nil, err
		}
		if t.Member(m.Name) != nil {
			return nil, invalid(fmt.Sprintf("%s:%d", what, un.Line), "name", "user %q declared twice", m.Name)
		}
		t.Members = append(t.Members, m)
	}
	return t, nil
}

func parseMember(what string, t *Team, un *yaml.Node, seenKey map[string]string) (*Member, error) {
	m := &Member{Line: un.Line}
	var keyNodes []*yaml.Node
	err := pairs(what, un, userFields, func(key string, _, v *yaml.Node) error {
		at := fmt.Sprintf("%s:%d", what, v.Line)
		switch key {
		case "name":
			if !tokenRE.MatchString(v.Value) || len(v.Value) > 32 {
				return invalid(at, "name", "user name %q: want [a-z_][a-z0-9_-]*, at most 32 characters", v.Value)
			}
			m.Name = v.Value
		case "teams":
			list, err := stringList(what, "teams", v)
			if err != nil {
				return err
			}
			for _, tn := range list {
				if !t.Teams[tn.Value] {
					return fmt.Errorf("%w: %q (%s:%d)", ErrUnknownTeam, tn.Value, what, tn.Line)
				}
				m.Teams = append(m.Teams, tn.Value)
			}
		case "keys":
			list, err := stringList(what, "keys", v)
			if err != nil {
				return err
			}
			keyNodes = list
		case "expires":
			d, err := time.Parse("2006-01-02", v.Value)
			if err != nil {
				return invalid(at, "expires", "want YYYY-MM-DD, got %q", v.Value)
			}
			m.Expires = d
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if m.Name == "" {
		return nil, invalid(fmt.Sprintf("%s:%d", what, un.Line), "name", "missing")
	}
	for _, kn := range keyNodes {
		at := fmt.Sprintf("%s:%d", what, kn.Line)
		if strings.HasPrefix(kn.Value, "github:") {
			m.Skipped = append(m.Skipped, fmt.Sprintf("line %d: %s: the vault does not fetch keys; list the key itself", kn.Line, kn.Value))
			continue
		}
		k, skip, err := parseKey(kn.Value)
		if err != nil {
			return nil, invalid(at, "keys", "user %s: %v", m.Name, err)
		}
		if skip != "" {
			m.Skipped = append(m.Skipped, fmt.Sprintf("line %d: %s", kn.Line, skip))
			continue
		}
		if owner, dup := seenKey[k.Fingerprint]; dup {
			return nil, invalid(at, "keys", "user %s: key %s already given to %s", m.Name, k.Fingerprint, owner)
		}
		seenKey[k.Fingerprint] = m.Name
		m.Keys = append(m.Keys, k)
	}
	return m, nil
}

// parseKey parses one authorized_keys line with nothing left over. A key
// age cannot encrypt to is returned as skip, a reason.
func parseKey(line string) (k Key, skip string, err error) {
	if strings.ContainsAny(line, "\r\n") {
		return Key{}, "", fmt.Errorf("newline in key")
	}
	pk, _, opts, rest, err := ssh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return Key{}, "", fmt.Errorf("key does not parse: %v", err)
	}
	if len(opts) > 0 || len(strings.TrimSpace(string(rest))) > 0 {
		return Key{}, "", fmt.Errorf("key line has options or more than one key")
	}
	k = Key{PublicKey: pk, Fingerprint: ssh.FingerprintSHA256(pk)}
	if _, err := recipient(k); err != nil {
		return Key{}, fmt.Sprintf("%s %s: %v", pk.Type(), k.Fingerprint, err), nil
	}
	return k, "", nil
}

// readBounded reads a regular file of at most maxFileSize bytes.
func readBounded(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("teamvault: read %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, invalid(path, "", "not a regular file")
	}
	if fi.Size() > maxFileSize {
		return nil, invalid(path, "", "%d bytes, the limit is %d", fi.Size(), maxFileSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("teamvault: read %s: %w", path, err)
	}
	return data, nil
}
