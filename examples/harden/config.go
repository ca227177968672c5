package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// config is harden's configuration file: the targets to audit.
type config struct {
	Postgres *postgresConfig `yaml:"postgres"`
	Docker   *dockerConfig   `yaml:"docker"`
	SSH      *sshConfig      `yaml:"ssh"`
	AWS      *awsConfig      `yaml:"aws"`
	Scan     []string        `yaml:"scan"`
	TLS      []tlsConfig     `yaml:"tls"`
	Waivers  string          `yaml:"waivers"`
}

type postgresConfig struct {
	DSN         string `yaml:"dsn"`
	PasswordEnv string `yaml:"password_env"`
	LocalFiles  bool   `yaml:"local_files"`
	Mode        string `yaml:"mode"`
	RDSInstance string `yaml:"rds_instance"`
	// CAFile makes every connection verify-full against this CA bundle,
	// whatever the DSN's sslmode says.
	CAFile string `yaml:"ca_file"`
}

type dockerConfig struct {
	Host   string   `yaml:"host"`
	Labels []string `yaml:"labels"`
	All    bool     `yaml:"all"`
	Images []string `yaml:"images"`
	// AllowedRegistries and ProductionLabels are containeraudit's image
	// provenance rules.
	AllowedRegistries []string `yaml:"allowed_registries"`
	ProductionLabels  []string `yaml:"production_labels"`
	// SSHHost names the ssh.hosts entry that is the Docker host, from
	// which content trust is judged (its daemon.json and its docker
	// users' login environment); without it that check is an error.
	SSHHost string `yaml:"ssh_host"`
}

type sshConfig struct {
	User         string `yaml:"user"`
	Sudo         bool   `yaml:"sudo"`
	IdentityFile string `yaml:"identity_file"`
	KnownHosts   string `yaml:"known_hosts"`
	TeamFile     string `yaml:"team_file"`
	// AllowedKeys are further keys allowed per user, such as the
	// automation key in root's authorized_keys.
	AllowedKeys map[string][]string `yaml:"allowed_keys"`
	Hosts       []hostRef           `yaml:"hosts"`
}

type hostRef struct {
	Name    string `yaml:"name"`
	Address string `yaml:"address"`
}

type awsConfig struct {
	Endpoint string   `yaml:"endpoint"`
	Audits   []string `yaml:"audits"`
	VpcIDs   []string `yaml:"vpc_ids"`
}

type tlsConfig struct {
	Addr       string `yaml:"addr"`
	ServerName string `yaml:"server_name"`
	CAFile     string `yaml:"ca_file"`
}

var awsAudits = []string{"network", "scaling", "rds", "acm"}

// loadConfig reads the config file, if any, adds the flags' targets and
// checks the result, naming the field and line of every problem.
func loadConfig(o *options) (*config, *cli.Config, error) {
	c := &config{}
	cfg := &cli.Config{File: "command line"}
	if o.config != "" {
		var err error
		if cfg, err = cli.LoadYAML(o.config, c); err != nil {
			return nil, nil, err
		}
		c.resolvePaths(filepath.Dir(o.config))
	}
	if err := c.addFlags(o); err != nil {
		return nil, nil, err
	}
	if errs := c.check(cfg); len(errs) > 0 {
		return nil, nil, errs
	}
	return c, cfg, nil
}

// resolvePaths makes the file's relative paths relative to the file.
func (c *config) resolvePaths(dir string) {
	rel := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) && !strings.HasPrefix(*p, "~/") {
			*p = filepath.Join(dir, *p)
		}
	}
	if c.SSH != nil {
		rel(&c.SSH.IdentityFile)
		rel(&c.SSH.KnownHosts)
		rel(&c.SSH.TeamFile)
	}
	for i := range c.Scan {
		rel(&c.Scan[i])
	}
	for i := range c.TLS {
		rel(&c.TLS[i].CAFile)
	}
	rel(&c.Waivers)
}

// addFlags adds the targets given by flags to the file's.
func (c *config) addFlags(o *options) error {
	if o.postgres != "" {
		if c.Postgres == nil {
			c.Postgres = &postgresConfig{}
		}
		c.Postgres.DSN = o.postgres
		if o.postgres == "env" {
			c.Postgres.DSN = ""
		}
		c.Postgres.LocalFiles = c.Postgres.LocalFiles || o.postgresLocalFiles
	} else if o.postgresLocalFiles && c.Postgres == nil {
		return cli.Usagef("--postgres-local-files needs --postgres")
	}
	if o.docker || len(o.images) > 0 {
		if c.Docker == nil {
			c.Docker = &dockerConfig{}
		}
		c.Docker.Images = append(c.Docker.Images, o.images...)
	}
	if len(o.ssh) > 0 || o.identity != "" || o.knownHosts != "" || o.sshUser != "" {
		if c.SSH == nil {
			c.SSH = &sshConfig{}
		}
		for _, h := range o.ssh {
			name, addr, ok := strings.Cut(h, "=")
			if !ok {
				name, addr = "", h
			}
			c.SSH.Hosts = append(c.SSH.Hosts, hostRef{Name: name, Address: addr})
		}
		if o.identity != "" {
			c.SSH.IdentityFile = o.identity
		}
		if o.knownHosts != "" {
			c.SSH.KnownHosts = o.knownHosts
		}
		if o.sshUser != "" {
			c.SSH.User = o.sshUser
		}
	}
	if o.aws || o.awsEndpoint != "" {
		if c.AWS == nil {
			c.AWS = &awsConfig{}
		}
		if o.awsEndpoint != "" {
			c.AWS.Endpoint = o.awsEndpoint
		}
	}
	for _, p := range o.scan {
		if _, err := os.Stat(p); err != nil {
			return cli.Usagef("--scan %s: %s", p, pathErr(err))
		}
		c.Scan = append(c.Scan, p)
	}
	for _, t := range o.tls {
		if _, _, err := net.SplitHostPort(t); err != nil {
			return cli.Usagef("--tls %q: want HOST:PORT", t)
		}
		c.TLS = append(c.TLS, tlsConfig{Addr: t, CAFile: o.tlsCA})
	}
	if o.tlsCA != "" && len(o.tls) == 0 {
		return cli.Usagef("--tls-ca needs --tls")
	}
	if o.waivers != "" {
		c.Waivers = o.waivers
	}
	return nil
}

// empty reports whether no target is named: the demo world is audited.
func (c *config) empty() bool {
	return c.Postgres == nil && c.Docker == nil && c.SSH == nil && c.AWS == nil && len(c.Scan) == 0 && len(c.TLS) == 0
}

// check validates what decoding cannot.
func (c *config) check(cfg *cli.Config) cli.ConfigErrors {
	var errs cli.ConfigErrors
	add := func(field, format string, args ...any) { errs = append(errs, cfg.Errorf(field, format, args...)) }
	if p := c.Postgres; p != nil {
		switch p.Mode {
		case "", "auto", "self-managed", "rds":
		default:
			add("postgres.mode", "%q: want auto, self-managed or rds", p.Mode)
		}
		if p.RDSInstance != "" && c.AWS == nil {
			add("postgres.rds_instance", "needs the aws section (or --aws) to read the parameter group")
		}
		if p.PasswordEnv != "" && os.Getenv(p.PasswordEnv) == "" {
			add("postgres.password_env", "environment variable %s is not set", p.PasswordEnv)
		}
	}
	if s := c.SSH; s != nil {
		if len(s.Hosts) == 0 {
			add("ssh.hosts", "at least one host is required")
		}
		seen := map[string]bool{}
		for i := range s.Hosts {
			h := &s.Hosts[i]
			p := fmt.Sprintf("ssh.hosts[%d]", i)
			if h.Address == "" {
				add(p+".address", "required (host:port)")
				continue
			}
			if _, _, err := net.SplitHostPort(h.Address); err != nil {
				h.Address = net.JoinHostPort(h.Address, "22")
			}
			if h.Name == "" {
				h.Name = h.Address
			}
			if seen[h.Name] {
				add(p+".name", "duplicate host name %q", h.Name)
			}
			seen[h.Name] = true
		}
	}
	if a := c.AWS; a != nil {
		for i, n := range a.Audits {
			if !slices.Contains(awsAudits, n) {
				add(fmt.Sprintf("aws.audits[%d]", i), "unknown audit %q (want %s)", n, strings.Join(awsAudits, ", "))
			}
		}
		if len(a.Audits) == 0 {
			a.Audits = awsAudits
		}
	}
	for i, t := range c.TLS {
		if _, _, err := net.SplitHostPort(t.Addr); err != nil {
			add(fmt.Sprintf("tls[%d].addr", i), "%q: want HOST:PORT", t.Addr)
		}
	}
	for i, p := range c.Scan {
		if _, err := os.Stat(p); err != nil {
			add(fmt.Sprintf("scan[%d]", i), "%s: %v", p, pathErr(err))
		}
	}
	return errs
}

func pathErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}
