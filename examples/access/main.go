// Command access grants and revokes SSH access from keys kept as code.
//
// It reads a team file (users, their keys, teams, host groups; see package
// access) and an inventory of hosts, then plans, grants, revokes, reconciles
// or audits over every host at once; cert issues short-lived SSH
// certificates and krl writes (and installs) the revocation list.
//
// Without --inventory it runs on a demo world of in-memory hosts
// (access/accessfake) with generated keys, so
//
//	go run ./examples/access
//
// shows the whole cycle in a second with no server and no credentials.
// Against real hosts it uses ssh-agent (SSH_AUTH_SOCK) or a key file and
// checks host keys against known_hosts:
//
//	access grant --inventory hosts.yaml
//	access revoke --inventory hosts.yaml alice
//	access audit --inventory hosts.yaml --fail-on high --format sarif
package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

const usage = `access grants and revokes SSH access from keys kept as code.

Usage:
  access [flags]                          run the demo on in-memory hosts
  access plan      [flags]                show what reconcile would change
  access grant     [flags]                create or update every user the team file lets in
  access revoke    [flags] USER...        remove (or --revoke-mode lock) users everywhere
  access reconcile [flags]                grant, and revoke whoever the team file no longer lets in
  access audit     [flags]                audit sshd, keys, accounts and updates on every host
  access cert      [flags]                issue a short-lived SSH user certificate
  access krl       [flags]                write a revocation list (and install it with --inventory)

Hosts come from --inventory (YAML):

  team_file: team.yaml              # relative to the inventory; --team overrides
  ssh:
    user: root                      # a non-root user needs sudo: true
    identity_file: ~/.ssh/id_ed25519  # default: ssh-agent (SSH_AUTH_SOCK)
    known_hosts: ~/.ssh/known_hosts
  hosts:
    - {name: web1, address: 10.0.0.5:22, groups: [web]}

Without --inventory every command runs on the demo world. Run
"access COMMAND -h" for a command's flags.`

func main() { cli.Main("access", run) }

func run(ctx context.Context, env *cli.Env, args []string) error {
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		fs := env.Flags("access", usage)
		if err := env.Parse(fs, args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return cli.Usagef("unexpected argument %q", fs.Arg(0))
		}
		return tour(ctx, env)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "plan", "grant", "reconcile", "revoke":
		return provision(ctx, env, cmd, rest)
	case "audit":
		return audit(ctx, env, rest)
	case "cert":
		return cert(ctx, env, rest)
	case "krl":
		return krl(ctx, env, rest)
	case "help":
		fs := env.Flags("access", usage)
		fs.Usage()
		return flag.ErrHelp
	default:
		return cli.Usagef("unknown command %q (want plan, grant, revoke, reconcile, audit, cert or krl)", cmd)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
