package main

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// config is logship's configuration file.
type config struct {
	// StateDir holds the checkpoints, one file per source.
	StateDir string `yaml:"state_dir"`
	// DrainTimeout bounds how long SIGTERM waits for buffered events.
	DrainTimeout time.Duration `yaml:"drain_timeout"`
	// BufferEvents bounds the events between sources and sinks.
	BufferEvents int            `yaml:"buffer_events"`
	Sources      []sourceConfig `yaml:"sources"`
	Sinks        []sinkConfig   `yaml:"sinks"`
}

type sourceConfig struct {
	// Name names the source's checkpoint file; default KIND-INDEX.
	Name string `yaml:"name"`
	// Kind is one of sourceKinds.
	Kind string `yaml:"kind"`
	// Stream is the destination stream (a CloudWatch log stream, part
	// of a bulk index name).
	Stream string `yaml:"stream"`
	// file, syslog, ossec, postgresql:
	Paths          []string `yaml:"paths"`
	MultilineStart string   `yaml:"multiline_start"`
	// docker:
	Container string `yaml:"container"`
	// rds:
	Instance     string `yaml:"instance"`
	NameContains string `yaml:"name_contains"`
	// rabbitmq:
	URLs     []string `yaml:"urls"`
	Exchange string   `yaml:"exchange"`
	Queue    string   `yaml:"queue"`
	// CAFile is the PEM bundle amqps:// nodes' certificates must chain to
	// (default: the system roots); with it every URL must be amqps://.
	CAFile string `yaml:"ca_file"`
	// journald:
	Units       []string `yaml:"units"`
	Identifiers []string `yaml:"identifiers"`
	Priority    string   `yaml:"priority"`
	// Start is where a journald source without a checkpoint begins: tail
	// (default) or head.
	Start string `yaml:"start"`
	// cloudwatch (a source reading log groups, e.g. to forward them to
	// OpenSearch):
	Groups       []string `yaml:"groups"`
	StreamPrefix string   `yaml:"stream_prefix"`
}

type sinkConfig struct {
	// Kind is cloudwatch, opensearch, elasticsearch or tcp.
	Kind string `yaml:"kind"`
	// cloudwatch:
	Group         string `yaml:"group"`
	Stream        string `yaml:"stream"`
	RetentionDays int32  `yaml:"retention_days"`
	// opensearch / elasticsearch:
	URL         string `yaml:"url"`
	IndexPrefix string `yaml:"index_prefix"`
	Username    string `yaml:"username"`
	// PasswordEnv names the environment variable holding the password, so
	// the file never holds it.
	PasswordEnv string `yaml:"password_env"`
	// SigV4 signs requests for Amazon OpenSearch Service ("es") or
	// OpenSearch Serverless ("aoss") with the AWS default credential chain;
	// Region is the domain's region (default: the chain's).
	SigV4  string `yaml:"sigv4"`
	Region string `yaml:"region"`
	// CAFile is the PEM bundle of the authorities to trust for an https://
	// URL (default: the system roots). Certificates are always verified.
	CAFile string `yaml:"ca_file"`
	// tcp:
	Addr    string `yaml:"addr"`
	Framing string `yaml:"framing"`
}

var sourceKinds = []string{"file", "syslog", "ossec", "postgresql", "journald", "docker", "rds", "cloudwatch", "rabbitmq"}

// check validates what decoding cannot, naming field and line.
func (c *config) check(cfg *cli.Config) cli.ConfigErrors {
	var errs cli.ConfigErrors
	add := func(field, format string, args ...any) { errs = append(errs, cfg.Errorf(field, format, args...)) }
	if len(c.Sources) == 0 {
		add("sources", "at least one source is required")
	}
	if len(c.Sinks) == 0 {
		add("sinks", "at least one sink is required")
	}
	if c.DrainTimeout < 0 {
		add("drain_timeout", "must not be negative")
	}
	if c.BufferEvents < 0 {
		add("buffer_events", "must not be negative")
	}
	names := map[string]bool{}
	for i := range c.Sources {
		s := &c.Sources[i]
		p := fmt.Sprintf("sources[%d]", i)
		if s.Name == "" {
			s.Name = fmt.Sprintf("%s-%d", s.Kind, i)
		}
		if !regexp.MustCompile(`^[A-Za-z0-9_.-]+$`).MatchString(s.Name) {
			add(p+".name", "%q: use letters, digits, '.', '_' and '-' (it names a checkpoint file)", s.Name)
		}
		if names[s.Name] {
			add(p+".name", "duplicate source name %q", s.Name)
		}
		names[s.Name] = true
		need := func(field string, ok bool) {
			if !ok {
				add(p+"."+field, "required for kind %s", s.Kind)
			}
		}
		switch s.Kind {
		case "file", "syslog", "ossec", "postgresql":
			need("paths", len(s.Paths) > 0)
			if s.MultilineStart != "" {
				if _, err := regexp.Compile(s.MultilineStart); err != nil {
					add(p+".multiline_start", "%v", err)
				}
			}
		case "docker":
			need("container", s.Container != "")
		case "rds":
			need("instance", s.Instance != "")
		case "rabbitmq":
			need("urls", len(s.URLs) > 0)
			switch s.Exchange {
			case "", "event", "log":
			default:
				add(p+".exchange", "%q: want event or log", s.Exchange)
			}
		case "journald":
			switch s.Start {
			case "", "tail", "head":
			default:
				add(p+".start", "%q: want tail or head", s.Start)
			}
		case "cloudwatch":
			need("groups", len(s.Groups) > 0)
		case "":
			add(p+".kind", "required (want %s)", strings.Join(sourceKinds, ", "))
		default:
			add(p+".kind", "unknown kind %q (want %s)", s.Kind, strings.Join(sourceKinds, ", "))
		}
	}
	for i, s := range c.Sinks {
		p := fmt.Sprintf("sinks[%d]", i)
		need := func(field string, ok bool) {
			if !ok {
				add(p+"."+field, "required for kind %s", s.Kind)
			}
		}
		switch s.Kind {
		case "cloudwatch":
			need("group", s.Group != "")
		case "opensearch", "elasticsearch":
			need("url", s.URL != "")
			if s.PasswordEnv != "" && s.Username == "" {
				add(p+".password_env", "needs username")
			}
			switch s.SigV4 {
			case "":
			case "es", "aoss":
				if s.Username != "" || s.PasswordEnv != "" {
					add(p+".sigv4", "signed requests carry no username or password")
				}
			default:
				add(p+".sigv4", "%q: want es or aoss", s.SigV4)
			}
		case "tcp":
			need("addr", s.Addr != "")
			switch s.Framing {
			case "", "lines", "json":
			default:
				add(p+".framing", "%q: want lines or json", s.Framing)
			}
		case "":
			add(p+".kind", "required (want cloudwatch, opensearch, elasticsearch or tcp)")
		default:
			add(p+".kind", "unknown kind %q (want cloudwatch, opensearch, elasticsearch or tcp)", s.Kind)
		}
	}
	return errs
}
