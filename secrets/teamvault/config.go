package teamvault

import (
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ConfigFile is the vault config's name inside the vault directory.
const ConfigFile = "vault.yaml"

// Config is the vault config, vault.yaml:
//
//	team_file: ../team.yaml     # relative to the vault directory
//	entries:
//	  - match: db/*             # path.Match glob; "prefix/**" for a subtree, "**" for all
//	    teams: [dba]            # every member of these teams
//	    users: [alice]          # and these users
//
// An entry's readers are the union over every rule that matches its name.
type Config struct {
	// Path names the file in errors.
	Path string
	// TeamFile is the team file's path as written.
	TeamFile string
	// Rules are the entries rules in file order.
	Rules []Rule
}

// Rule gives the entries matching Match to the members of Teams and to
// Users.
type Rule struct {
	// Match is a path.Match glob over entry names, "prefix/**" for
	// every entry under prefix, or "**" for all.
	Match string
	// Teams are team names from the team file.
	Teams []string
	// Users are user names from the team file.
	Users []string
	// Line is the rule's line in the config.
	Line int
}

// Matches reports whether the rule covers the entry name.
func (r Rule) Matches(name string) bool {
	if r.Match == "**" {
		return true
	}
	if prefix, ok := strings.CutSuffix(r.Match, "/**"); ok {
		return strings.HasPrefix(name, prefix+"/")
	}
	ok, _ := path.Match(r.Match, name)
	return ok
}

// ParseConfig parses data as a vault config named name.
func ParseConfig(name string, data []byte) (*Config, error) {
	what := "vault config " + name
	root, err := decodeStrict(what, data)
	if err != nil {
		return nil, err
	}
	c := &Config{Path: name}
	err = pairs(what, root, []string{"team_file", "entries"}, func(key string, _, v *yaml.Node) error {
		switch key {
		case "team_file":
			c.TeamFile = v.Value
		case "entries":
			if v.Kind != yaml.SequenceNode {
				return invalid(fmt.Sprintf("%s:%d", what, v.Line), "entries", "want a list")
			}
			for _, rn := range v.Content {
				r, err := parseRule(what, rn)
				if err != nil {
					return err
				}
				c.Rules = append(c.Rules, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if c.TeamFile == "" {
		return nil, invalid(what, "team_file", "missing")
	}
	return c, nil
}

func parseRule(what string, n *yaml.Node) (Rule, error) {
	r := Rule{Line: n.Line}
	at := fmt.Sprintf("%s:%d", what, n.Line)
	err := pairs(what, n, []string{"match", "teams", "users"}, func(key string, _, v *yaml.Node) error {
		if key == "match" {
			r.Match = v.Value
			return nil
		}
		list, err := stringList(what, key, v)
		if err != nil {
			return err
		}
		for _, s := range list {
			if key == "teams" {
				r.Teams = append(r.Teams, s.Value)
			} else {
				r.Users = append(r.Users, s.Value)
			}
		}
		return nil
	})
	if err != nil {
		return Rule{}, err
	}
	if r.Match == "" {
		return Rule{}, invalid(at, "match", "missing")
	}
	if _, err := path.Match(strings.TrimSuffix(r.Match, "/**"), ""); err != nil {
		return Rule{}, invalid(at, "match", "bad pattern %q", r.Match)
	}
	if len(r.Teams) == 0 && len(r.Users) == 0 {
		return Rule{}, invalid(at, "", "rule %q gives the entries to nobody: list teams or users", r.Match)
	}
	return r, nil
}

// check resolves every team and user the rules name against t.
func (c *Config) check(t *Team) error {
	for _, r := range c.Rules {
		for _, tn := range r.Teams {
			if !t.Teams[tn] {
				return fmt.Errorf("%w: %q (vault config %s:%d)", ErrUnknownTeam, tn, c.Path, r.Line)
			}
		}
		for _, u := range r.Users {
			if t.Member(u) == nil {
				return fmt.Errorf("%w: %q is not in team file %s (vault config %s:%d)", ErrUnknownMember, u, t.Path, c.Path, r.Line)
			}
		}
	}
	return nil
}
