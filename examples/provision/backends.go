package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	awssm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/bus"
	"github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/scaling/awsasg"
	"github.com/opskit-dev/opskit/scaling/awsec2"
	"github.com/opskit-dev/opskit/scaling/elb"
	"github.com/opskit-dev/opskit/secrets"
	"github.com/opskit-dev/opskit/secrets/secretsmanager"
)

// backends are the services the steps talk to: real clients, or the
// fakes of the demo.
type backends struct {
	ec2     awsec2.API
	elb     lbAPI
	asg     asgAPI
	cw      awsasg.AlarmAPI
	rds     rds.API
	secrets *secrets.Store
	dial    func(ctx context.Context) (*bus.Conn, error)
	inspect bus.Inspector
	docker  swarmAPI
	// poll is the database waiter's interval, wait its bound.
	poll, wait time.Duration
	close      func()
}

// steps are the file's sections in the order apply makes them (destroy
// goes backwards): each needs only what came before it.
func (b *backends) steps(w *world) []step {
	c := w.cfg
	var out []step
	aws := len(c.SecurityGroups) > 0 || c.LoadBalancer != nil || c.AutoScaling != nil || c.Database != nil
	ec2p := awsec2.NewProvisioner(b.ec2)
	if c.Database != nil {
		out = append(out, &passwordStep{w: w, store: b.secrets})
	}
	if aws {
		out = append(out, &sgStep{w: w, ec2: b.ec2, prov: ec2p})
	}
	if c.LoadBalancer != nil {
		out = append(out, &lbStep{w: w, api: b.elb, prov: elb.NewProvisioner(b.elb, nil)})
	}
	if c.AutoScaling != nil {
		out = append(out, &asgStep{w: w, api: b.asg, cw: b.cw, prov: awsasg.NewProvisioner(b.asg, b.cw), ec2: ec2p})
	}
	if c.Database != nil {
		out = append(out, &dbStep{w: w, api: b.rds, prov: rds.NewProvisioner(b.rds, rds.ProvisionerOptions{PollInterval: b.poll}), wait: b.wait, poll: b.poll})
	}
	if c.RabbitMQ != nil {
		out = append(out, &rabbitStep{w: w, dial: b.dial, inspect: b.inspect})
	}
	if c.Swarm != nil {
		out = append(out, newSwarmStep(w, b.docker))
	}
	return out
}

// real connects to the services the file needs, with each ecosystem's
// standard configuration.
func (o options) real(ctx context.Context, env *cli.Env, c *config) (*backends, error) {
	b := &backends{poll: 15 * time.Second, wait: o.wait, close: func() {}}
	var closers []func()
	b.close = func() {
		for _, f := range closers {
			f()
		}
	}
	if len(c.SecurityGroups) > 0 || c.LoadBalancer != nil || c.AutoScaling != nil || c.Database != nil {
		cfg, err := awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			return nil, fmt.Errorf("aws config: %w", err)
		}
		if o.awsEndpoint != "" {
			if u, err := url.Parse(o.awsEndpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				return nil, cli.Usagef("--aws-endpoint %q: want an http:// or https:// URL", o.awsEndpoint)
			}
			cfg.BaseEndpoint = aws.String(o.awsEndpoint)
			b.poll = time.Second
		}
		b.ec2 = ec2.NewFromConfig(cfg)
		b.elb = elbv2.NewFromConfig(cfg)
		b.asg = autoscaling.NewFromConfig(cfg)
		b.cw = cloudwatch.NewFromConfig(cfg)
		b.rds = awsrds.NewFromConfig(cfg)
		b.secrets = secretsmanager.NewStore(awssm.NewFromConfig(cfg), secrets.Options{})
	}
	if c.RabbitMQ != nil {
		if len(o.amqp) == 0 {
			return nil, cli.Usagef("the file has a rabbitmq section: pass --amqp URL (one per node)")
		}
		for i, u := range o.amqp {
			p, err := url.Parse(u)
			if err != nil || (p.Scheme != "amqp" && p.Scheme != "amqps") {
				return nil, cli.Usagef("--amqp %s: want an amqp:// or amqps:// URL", cli.RedactURL(u, i+1))
			}
		}
		m, err := o.management()
		if err != nil {
			return nil, err
		}
		urls := o.amqp
		b.dial = func(ctx context.Context) (*bus.Conn, error) {
			return bus.Dial(ctx, bus.Options{URLs: urls, Name: "opskit-provision"})
		}
		b.inspect = m
		env.Log.Debug("rabbitmq", "amqp", cli.RedactURL(o.amqp[0], 1), "management", cli.RedactURL(m.URLs[0], 1))
	}
	if c.Swarm != nil {
		opts := []client.Opt{client.FromEnv}
		if o.docker != "" {
			opts = append(opts, client.WithHost(o.docker))
		}
		d, err := client.New(opts...)
		if err != nil {
			return nil, fmt.Errorf("docker: %w", err)
		}
		closers = append(closers, func() { d.Close() })
		b.docker = d
	}
	return b, nil
}

// management is the RabbitMQ management API client: --rabbitmq-api, or
// the first AMQP URL's host with the AMQP URL's user: port 15672 over
// http for amqp://, port 15671 over https for amqps://, so a password
// meant for TLS never travels in plaintext.
func (o options) management() (*bus.Management, error) {
	first, _ := url.Parse(o.amqp[0])
	m := &bus.Management{}
	api := o.rabbitAPI
	if api == "" {
		api = "http://" + net.JoinHostPort(first.Hostname(), "15672")
		if first.Scheme == "amqps" {
			api = "https://" + net.JoinHostPort(first.Hostname(), "15671")
		}
	}
	p, err := url.Parse(api)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") {
		return nil, cli.Usagef("--rabbitmq-api: want an http:// or https:// URL")
	}
	user := p.User
	if user == nil {
		user = first.User
	}
	if user != nil {
		m.User = user.Username()
		m.Password, _ = user.Password()
	} else {
		m.User, m.Password = "guest", "guest"
	}
	p.User = nil
	m.URLs = []string{p.String()}
	return m, nil
}
