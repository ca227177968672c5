// Command provision makes a service's infrastructure from one YAML file:
// security groups, an ALB (path rules) or NLB in front of an Auto Scaling
// group with its min/max and policies (its launch template's user data
// giving new instances the SSH keys of a team file's host groups, rendered
// by access.UserData), a PostgreSQL RDS instance (Multi-AZ, storage, IOPS)
// with a read replica and its parameter group, the database password
// generated into Secrets Manager (never printed), the RabbitMQ topology
// with worker queues spread over the cluster, and Swarm services with
// their secrets. plan shows what would change, apply makes it so (a
// second apply changes nothing), destroy removes what it made.
//
// Without --config it runs a demo on opskit's in-memory fakes: the example
// file (service.yaml, printed with --example, and the team file it names,
// printed with --example-team) is planned, applied, applied again and
// destroyed, in about a second:
//
//	go run ./examples/provision
//
// Real infrastructure uses each ecosystem's standard configuration: the AWS
// SDK's default credential chain and region (plus --aws-endpoint for an
// emulator such as moto), AMQP URLs, and DOCKER_HOST (or --docker):
//
//	provision --config shop.yaml plan
//	provision --config shop.yaml --amqp amqp://user:pass@rabbit1:5672/ apply
//	provision --config shop.yaml --amqp ... destroy
package main

import (
	"context"
	_ "embed"
	"fmt"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

//go:embed service.yaml
var exampleYAML []byte

// exampleTeam is the team file service.yaml's launch template names.
//
//go:embed team.yaml
var exampleTeam []byte

const usage = `provision makes a service's infrastructure from one YAML file and keeps it so.

Usage:
  provision [flags]                          demo: the example file on in-memory fakes
  provision --example                        print the example file
  provision --example-team                   print the team file it names (team.yaml)
  provision --config FILE plan [flags]       what apply would change (reads only)
  provision --config FILE apply [flags]      make it so; a second apply changes nothing
  provision --config FILE destroy [flags]    remove what the file describes

The file (see --example) has these sections, each optional:
  security_groups   ingress from CIDR blocks or other groups, by name
  load_balancer     ALB (path and host rules) or NLB, target groups, listeners
  autoscaling       launch template (with the SSH access of a team file's host
                    groups as its user data), min/max/desired, target-tracking
                    policies
  database          PostgreSQL RDS: class, Multi-AZ, storage and IOPS, parameters,
                    read replica; the password generated into Secrets Manager
  rabbitmq          exchanges, queues, bindings, worker queues over the cluster
  swarm             secrets (the database password or generated) and services

Real backends: AWS through the SDK's default chain and region (--aws-endpoint
for an emulator), RabbitMQ through --amqp URLs (the management API at port
15672 of the first, or --rabbitmq-api), Docker through DOCKER_HOST or --docker.
No secret value is ever printed, even with -v.

Exit codes: 0 done, 2 usage or configuration error (nothing changed),
3 some step failed or a signal stopped the run (the report says which).`

type options struct {
	config, awsEndpoint, rabbitAPI, docker string
	amqp                                   multi
	example, exampleTeam                   bool
	wait                                   time.Duration
}

func main() { cli.Main("provision", run) }

func run(ctx context.Context, env *cli.Env, args []string) error {
	fs := env.Flags("provision", usage)
	var o options
	fs.StringVar(&o.config, "config", "", "the infrastructure file (YAML); without it the demo runs")
	fs.BoolVar(&o.example, "example", false, "print the example file and exit")
	fs.BoolVar(&o.exampleTeam, "example-team", false, "print the example's team file (team.yaml) and exit")
	fs.StringVar(&o.awsEndpoint, "aws-endpoint", "", "AWS endpoint URL (an emulator such as moto); credentials and region from the default chain")
	fs.Var(&o.amqp, "amqp", "AMQP URL of a RabbitMQ node (repeatable)")
	fs.StringVar(&o.rabbitAPI, "rabbitmq-api", "", "RabbitMQ management API URL (default: http://HOST:15672 of the first --amqp, its user)")
	fs.StringVar(&o.docker, "docker", "", "Docker engine address (default: DOCKER_HOST)")
	fs.DurationVar(&o.wait, "wait", 30*time.Minute, "how long apply waits for a database instance to be available")
	if err := env.Parse(fs, args); err != nil {
		return err
	}
	if o.example {
		_, err := env.Stdout.Write(exampleYAML)
		return err
	}
	if o.exampleTeam {
		_, err := env.Stdout.Write(exampleTeam)
		return err
	}
	if o.config == "" {
		if fs.NArg() > 0 {
			return cli.Usagef("%s needs --config FILE (without it the demo runs)", fs.Arg(0))
		}
		return demo(ctx, env)
	}
	if fs.NArg() != 1 {
		return cli.Usagef("want one command: plan, apply or destroy")
	}
	v := verb(fs.Arg(0))
	if v != verbPlan && v != verbApply && v != verbDestroy {
		return cli.Usagef("unknown command %q: want plan, apply or destroy", fs.Arg(0))
	}
	var c config
	cfg, err := cli.LoadYAML(o.config, &c)
	if err != nil {
		return err
	}
	if errs := c.check(ctx, cfg, fileTeams(o.config)); len(errs) > 0 {
		return errs
	}
	b, err := o.real(ctx, env, &c)
	if err != nil {
		return err
	}
	defer b.close()
	w := newWorld(&c)
	steps := b.steps(w)
	env.Printf("%s %s: %d steps\n", v, c.Service, len(steps))
	out, err := runSteps(ctx, env, v, steps)
	summary(env, v, out)
	return err
}

// summary prints the run's last line.
func summary(env *cli.Env, v verb, o outcome) {
	what := map[verb]string{verbPlan: "to change", verbApply: "changed", verbDestroy: "removed"}[v]
	line := fmt.Sprintf("%s: %d %s", v, o.Changes, what)
	if o.Changes == 0 && len(o.Failed) == 0 && len(o.Skipped) == 0 {
		line = fmt.Sprintf("%s: no changes", v)
	}
	if len(o.Failed) > 0 {
		line += fmt.Sprintf(", %d failed", len(o.Failed))
	}
	if len(o.Skipped) > 0 {
		line += fmt.Sprintf(", %d not started", len(o.Skipped))
	}
	env.Printf("%s\n", line)
	env.Event("summary", "verb", string(v), "changes", o.Changes, "failed", len(o.Failed), "skipped", len(o.Skipped))
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string { return "" }
func (m *multi) Set(v string) error {
	*m = append(*m, v)
	return nil
}
