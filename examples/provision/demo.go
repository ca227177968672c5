package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/bus/busfake"
	"github.com/opskit-dev/opskit/database/rds/rdsfake"
	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/scaling/awsasg/awsasgfake"
	"github.com/opskit-dev/opskit/scaling/awsec2/awsec2fake"
	"github.com/opskit-dev/opskit/scaling/elb/elbfake"
	"github.com/opskit-dev/opskit/scaling/swarm/swarmfake"
	"github.com/opskit-dev/opskit/secrets/secretsfake"
)

// fakes are the demo's backends: opskit's in-memory fakes, which behave
// like the services (the same conformance cases run on both).
func fakes() *backends {
	broker := busfake.NewBroker()
	return &backends{
		ec2: awsec2fake.New(), elb: elbfake.New(), asg: awsasgfake.NewProvisioning(awsasgfake.Options{}), cw: awsasgfake.NewAlarms(),
		rds: rdsfake.NewWorld().Region("us-east-1"), secrets: secretsfake.NewStore(),
		dial: func(ctx context.Context) (*bus.Conn, error) {
			return bus.Dial(ctx, bus.Options{URLs: []string{"amqp://rabbit1:5672", "amqp://rabbit2:5672", "amqp://rabbit3:5672"}, Dialer: broker.Dialer()})
		},
		inspect: broker, docker: swarmfake.New(),
		poll: time.Millisecond, wait: 10 * time.Second, close: func() {},
	}
}

// demo plans, applies, applies again and destroys the example file on the
// fakes, saying what each run shows.
func demo(ctx context.Context, env *cli.Env) error {
	var c config
	cfg, err := cli.DecodeYAML("service.yaml", exampleYAML, &c)
	if err != nil {
		return err
	}
	if errs := c.check(ctx, cfg, embeddedTeams(map[string][]byte{"team.yaml": exampleTeam})); len(errs) > 0 {
		return errs
	}
	b := fakes()
	w := newWorld(&c)
	steps := b.steps(w)
	env.Printf("Demo: the example file (provision --example, its team file --example-team) on opskit's\n")
	env.Printf("in-memory fakes of EC2, ELB, Auto Scaling, RDS, Secrets Manager, a 3-node RabbitMQ cluster\n")
	env.Printf("and a Swarm manager.\n")
	env.Printf("Real infrastructure: provision --config FILE plan|apply|destroy (provision -h).\n")
	tour := []struct {
		v    verb
		note string
	}{
		{verbPlan, "1. plan: what apply would make, reading only"},
		{verbApply, "2. apply: make it (the database password is generated into the secret store, never printed)"},
		{verbApply, "3. apply again: everything is up to date, nothing changes"},
		{verbDestroy, "4. destroy: remove what the file describes, last step first"},
	}
	for _, t := range tour {
		env.Printf("\n%s\n", t.note)
		o, err := runSteps(ctx, env, t.v, steps)
		summary(env, t.v, o)
		if err != nil {
			return err
		}
	}
	// Nothing is left: a plan made now would create everything again.
	quiet := cli.NewEnv("provision", io.Discard, io.Discard)
	o, err := runSteps(ctx, quiet, verbPlan, steps)
	if err != nil {
		return err
	}
	first, err := runSteps(ctx, quiet, verbPlan, fakes().steps(newWorld(&c)))
	if err != nil {
		return err
	}
	if o.Changes != first.Changes {
		return fmt.Errorf("demo: after destroy a plan has %d changes, on empty fakes %d: something was left", o.Changes, first.Changes)
	}
	env.Printf("\n5. plan after destroy: %d changes, as on empty fakes: nothing was left behind\n", o.Changes)
	return nil
}
