package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
	"golang.org/x/crypto/ssh"
)

// inventory is the hosts file.
type inventory struct {
	TeamFile string    `yaml:"team_file"`
	SSH      sshConfig `yaml:"ssh"`
	Hosts    []hostRef `yaml:"hosts"`
}

type sshConfig struct {
	User         string        `yaml:"user"`
	Sudo         bool          `yaml:"sudo"`
	IdentityFile string        `yaml:"identity_file"`
	KnownHosts   string        `yaml:"known_hosts"`
	Timeout      time.Duration `yaml:"timeout"`
}

type hostRef struct {
	Name    string   `yaml:"name"`
	Address string   `yaml:"address"`
	Groups  []string `yaml:"groups"`
}

// hostFlags are the flags every command that works on hosts shares.
type hostFlags struct {
	inventory, team, identity, knownHosts string
	concurrency                           int
	timeout                               time.Duration
}

func (f *hostFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.inventory, "inventory", "", "hosts file (YAML); without it the demo world of in-memory hosts is used")
	fs.StringVar(&f.team, "team", "", "team file (YAML); default the inventory's team_file")
	fs.StringVar(&f.identity, "identity", "", "private key file for SSH (default: the inventory's identity_file, else ssh-agent)")
	fs.StringVar(&f.knownHosts, "known-hosts", "", "known_hosts file host keys must be in (default: the inventory's, else ~/.ssh/known_hosts)")
	fs.IntVar(&f.concurrency, "concurrency", 0, "hosts worked on at once (default 64)")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "bound on all work on one host")
}

// world is what a command works on: the team file and the targets.
type world struct {
	team    *access.TeamFile
	targets []access.Target
	demo    bool
	// keys are the demo users' public keys (demo world only).
	keys  map[string]ssh.PublicKey
	close func()
}

// load builds the world: the demo one without --inventory, otherwise the
// inventory's hosts over SSH.
func (f *hostFlags) load(ctx context.Context, env *cli.Env) (*world, error) {
	if f.inventory == "" {
		if f.team != "" {
			return nil, cli.Usagef("--team needs --inventory (the demo world has its own team file)")
		}
		return demoWorld(ctx)
	}
	var inv inventory
	cfg, err := cli.LoadYAML(f.inventory, &inv)
	var errs cli.ConfigErrors
	if err != nil && !errors.As(err, &errs) {
		return nil, err // unreadable, or not YAML at all
	}
	teamPath := f.team
	if teamPath == "" {
		if inv.TeamFile == "" {
			return nil, append(errs, cfg.Errorf("team_file", "required (or pass --team)"))
		}
		teamPath = inv.TeamFile
		if !filepath.IsAbs(teamPath) {
			teamPath = filepath.Join(filepath.Dir(f.inventory), teamPath)
		}
	}
	tf, err := access.LoadTeamFile(ctx, teamPath, access.LoadOptions{Fetcher: access.NewGitHubKeys(access.GitHubOptions{})})
	if err != nil {
		return nil, append(errs, teamFileErrors(cfg, teamPath, err)...)
	}
	// Field errors from decoding and from the checks, all at once.
	if errs = append(errs, inv.check(cfg, tf)...); len(errs) > 0 {
		return nil, errs
	}
	conn, err := f.sshConfig(cfg, inv.SSH)
	if err != nil {
		return nil, err
	}
	w := &world{team: tf}
	var hosts []interface{ Close() error }
	for _, h := range inv.Hosts {
		host, err := conn.host(h)
		if err != nil {
			for _, o := range hosts {
				o.Close()
			}
			return nil, fmt.Errorf("host %s: %w", h.Name, err)
		}
		hosts = append(hosts, host)
		w.targets = append(w.targets, access.Target{Host: host, Groups: h.Groups})
	}
	w.close = func() {
		for _, o := range hosts {
			o.Close()
		}
		conn.close()
	}
	env.Log.Debug("inventory loaded", "hosts", len(w.targets), "team_file", teamPath)
	return w, nil
}

func (inv *inventory) check(cfg *cli.Config, tf *access.TeamFile) cli.ConfigErrors {
	var errs cli.ConfigErrors
	if len(inv.Hosts) == 0 {
		errs = append(errs, cfg.Errorf("hosts", "at least one host is required"))
	}
	seen := map[string]bool{}
	for i := range inv.Hosts {
		h := &inv.Hosts[i]
		p := fmt.Sprintf("hosts[%d]", i)
		if h.Address == "" {
			errs = append(errs, cfg.Errorf(p+".address", "required (host:port)"))
			continue
		}
		if _, _, err := net.SplitHostPort(h.Address); err != nil {
			h.Address = net.JoinHostPort(h.Address, "22")
		}
		if h.Name == "" {
			h.Name = h.Address
		}
		if seen[h.Name] {
			errs = append(errs, cfg.Errorf(p+".name", "duplicate host name %q", h.Name))
		}
		seen[h.Name] = true
		if len(h.Groups) == 0 {
			errs = append(errs, cfg.Errorf(p+".groups", "at least one host group is required"))
		}
		for j, g := range h.Groups {
			if _, ok := tf.HostGroups[g]; !ok {
				errs = append(errs, cfg.Errorf(fmt.Sprintf("%s.groups[%d]", p, j), "unknown host group %q (the team file declares %s)", g, strings.Join(groupNames(tf), ", ")))
			}
		}
	}
	return errs
}

func groupNames(tf *access.TeamFile) []string {
	var out []string
	for n := range tf.HostGroups {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// teamFileErrors turns the team file's validation errors into config
// errors naming its file, line and field; a file that cannot be read is
// reported at the inventory's team_file.
func teamFileErrors(cfg *cli.Config, path string, err error) cli.ConfigErrors {
	var ves access.ValidationErrors
	var one *access.ValidationError
	switch {
	case errors.As(err, &ves):
	case errors.As(err, &one):
		ves = access.ValidationErrors{one}
	default:
		return cli.ConfigErrors{cfg.Errorf("team_file", "%s: %s", path, strings.TrimPrefix(err.Error(), "access: "))}
	}
	out := make(cli.ConfigErrors, len(ves))
	for i, ve := range ves {
		field := ve.Field
		if ve.User != "" {
			field = fmt.Sprintf("user %q: %s", ve.User, ve.Field)
		}
		out[i] = &cli.ConfigError{File: ve.File, Line: ve.Line, Field: field, Reason: strings.TrimPrefix(ve.Err.Error(), "access: ")}
	}
	return out
}
