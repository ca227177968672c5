package main

import (
	"flag"
	"strings"
	"time"
)

// options are harden's flags.
type options struct {
	config, format, out, failOn, waivers string
	timeout                              time.Duration
	passes                               bool

	postgres                      string
	postgresLocalFiles            bool
	docker                        bool
	images                        stringList
	ssh                           stringList
	sshUser, identity, knownHosts string
	aws                           bool
	awsEndpoint                   string
	scan, tls                     stringList
	tlsCA                         string
}

func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.config, "config", "", "config file (YAML) naming the targets; see above")
	fs.StringVar(&o.format, "format", "table", "report format: table, json, sarif, junit or html")
	fs.StringVar(&o.out, "out", "", "write the report to this file instead of standard output")
	fs.StringVar(&o.failOn, "fail-on", "high", "exit 1 when a finding fails at or above this severity (critical, high, medium, low, info) or never (none)")
	fs.StringVar(&o.waivers, "waivers", "", "waivers file (YAML): accepted failures with reason and expiry (overrides the config's)")
	fs.BoolVar(&o.passes, "passes", false, "table: list passed and not-applicable findings as rows too (they are always counted, and always in the other formats)")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Minute, "bound on the audit of one target")
	fs.StringVar(&o.postgres, "postgres", "", `PostgreSQL DSN to audit ("env": from the PG* variables); its password may come from PGPASSWORD`)
	fs.BoolVar(&o.postgresLocalFiles, "postgres-local-files", false, "the audit runs on the database host: check the modes of its files too")
	fs.BoolVar(&o.docker, "docker", false, "audit the Docker daemon and its running containers (DOCKER_HOST)")
	fs.Var(&o.images, "image", "lint this built image for leaked secrets (repeatable; implies the Docker engine)")
	fs.Var(&o.ssh, "ssh", "audit this SSH host, HOST:PORT or NAME=HOST:PORT (repeatable)")
	fs.StringVar(&o.sshUser, "ssh-user", "", "SSH user (default the config's, else root)")
	fs.StringVar(&o.identity, "identity", "", "private key file for SSH (default the config's identity_file, else ssh-agent)")
	fs.StringVar(&o.knownHosts, "known-hosts", "", "known_hosts file host keys must be in (default the config's, else ~/.ssh/known_hosts)")
	fs.BoolVar(&o.aws, "aws", false, "audit AWS: security groups and VPCs, Auto Scaling groups and load balancers, RDS, ACM (default credential chain and region)")
	fs.StringVar(&o.awsEndpoint, "aws-endpoint", "", "AWS endpoint URL (an emulator such as moto); implies --aws")
	fs.Var(&o.scan, "scan", "lint Dockerfiles, compose and env files under this path (repeatable)")
	fs.Var(&o.tls, "tls", "probe this TLS endpoint, HOST:PORT (repeatable)")
	fs.StringVar(&o.tlsCA, "tls-ca", "", "PEM roots the --tls endpoints' chains must lead to (default the system roots)")
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string { return strings.Join(*s, ",") }

func (s *stringList) Set(v string) error {
	*s = append(*s, v)
	return nil
}
