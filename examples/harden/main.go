// Command harden audits a whole deployment and writes one report:
// PostgreSQL (self-managed or on RDS), the Docker daemon and its
// containers, SSH hosts, security groups and load balancers, Dockerfiles,
// compose and env files and built images (the leak linter), and TLS
// endpoints. The report is a table, JSON, SARIF, JUnit or a self-contained
// HTML page; a waivers file accepts known failures until they expire, and
// --fail-on turns findings into an exit code for CI.
//
// With no target it audits a demo world built from opskit's fakes, with
// known misconfigurations, so
//
//	go run ./examples/harden
//	go run ./examples/harden --format html --out report.html
//
// shows every kind of finding in a second, with no server and no
// credentials. Against real infrastructure it uses each ecosystem's own
// configuration: a PostgreSQL DSN or the PG* variables, DOCKER_HOST,
// ssh-agent or a key file with known_hosts, and the AWS SDK's default
// chain and region (plus --aws-endpoint for an emulator):
//
//	harden --config harden.yaml --fail-on high --format sarif --out harden.sarif
//	harden --postgres env --docker --scan . --tls api.example.com:443
package main

import (
	"context"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

const usage = `harden audits PostgreSQL, Docker, SSH hosts, AWS security groups and load
balancers, Dockerfiles and compose files, and TLS endpoints, and writes one report.

Usage:
  harden [flags]                      audit the demo world (no target given)
  harden --config FILE [flags]        audit the targets the file names
  harden --postgres DSN --docker --scan DIR --tls HOST:PORT ... [flags]

The config file (YAML); every section is optional, flags add to it:

  postgres:
    dsn: "host=db1 user=auditor dbname=postgres"  # "env": the PG* variables only
    password_env: HARDEN_PG_PASSWORD    # the password, never in the file
    ca_file: /etc/ssl/db-ca.pem         # verify-full against this CA, whatever the DSN says
    local_files: true                   # the audit runs on the database host: check file modes
    mode: auto                          # auto, self-managed or rds
    rds_instance: shop-db               # RDS mode: judge this instance's parameter group
  docker:
    host: unix:///var/run/docker.sock   # default DOCKER_HOST
    labels: [env=prod]                  # only containers with these labels
    all: false                          # stopped containers too
    images: [shop/api:1.4]              # built images to lint for leaked secrets
    allowed_registries: [registry.example.com, docker.io/library]  # where images may come from
    production_labels: [env=prod]       # containers that must run images pinned by digest
    ssh_host: web1                      # the ssh.hosts entry that is the Docker host (content trust)
  ssh:
    user: root                          # a non-root user needs sudo: true
    identity_file: ~/.ssh/id_ed25519    # default: ssh-agent (SSH_AUTH_SOCK)
    known_hosts: ~/.ssh/known_hosts
    team_file: team.yaml                # keys the team file declares are not "undeclared"
    hosts:
      - {name: web1, address: 10.0.0.5:22}
  aws:
    endpoint: http://127.0.0.1:5055     # an emulator; default the SDK's endpoints
    audits: [network, scaling, rds, acm]  # default all four
    vpc_ids: [vpc-0abc]                 # the network audit's VPCs; default every VPC
  scan: [., deploy/]                    # Dockerfiles, compose and env files
  tls:
    - {addr: api.example.com:443}
    - {addr: 10.0.0.9:8443, server_name: internal.example.com, ca_file: ca.pem}
  waivers: waivers.yaml

A target that cannot be reached is reported (as a check error on
harden.target.reachable, naming it) and the others are still audited; the
exit code is then 3.`

func main() { cli.Main("harden", run) }

func run(ctx context.Context, env *cli.Env, args []string) error {
	fs := env.Flags("harden", usage)
	var o options
	o.register(fs)
	if err := env.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	return harden(ctx, env, &o)
}
