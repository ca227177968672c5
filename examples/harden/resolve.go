package main

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// resolver turns the configuration into targets, making each client once
// from its ecosystem's standard configuration. Nothing connects here:
// a target that cannot be reached fails when audited, and the others go on.
type resolver struct {
	env *cli.Env
	c   *config
	cfg *cli.Config

	mu      sync.Mutex
	awsCfg  *aws.Config
	awsErr  error
	docker  *client.Client
	closers []func()
	// sshHosts are the ssh.hosts entries by name, once resolved.
	sshHosts map[string]access.Host
}

func newResolver(env *cli.Env, c *config, cfg *cli.Config) *resolver {
	return &resolver{env: env, c: c, cfg: cfg}
}

func (r *resolver) close() {
	for _, f := range r.closers {
		f()
	}
}

// targets lists every target the configuration names. Only configuration
// errors (a key file that cannot be read, a bad URL) are returned.
func (r *resolver) targets(ctx context.Context) ([]target, error) {
	var out []target
	if p := r.c.Postgres; p != nil {
		t, err := r.postgresTarget(p)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	// SSH hosts first: the Docker target may name one of them.
	var sshTs []target
	if s := r.c.SSH; s != nil {
		ts, err := r.sshTargets(ctx, s)
		if err != nil {
			return nil, err
		}
		sshTs = ts
	}
	if d := r.c.Docker; d != nil {
		ts, err := r.dockerTargets(d)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	out = append(out, sshTs...)
	if a := r.c.AWS; a != nil {
		if a.Endpoint != "" {
			if u, err := url.ParseRequestURI(a.Endpoint); err != nil || u.Host == "" {
				return nil, r.cfg.Errorf("aws.endpoint", "%q: not a URL", a.Endpoint)
			}
		}
		out = append(out, r.awsTargets(a)...)
	}
	for _, p := range r.c.Scan {
		out = append(out, scanTarget(p))
	}
	for i, t := range r.c.TLS {
		var roots *x509.CertPool
		if t.CAFile != "" {
			pem, err := os.ReadFile(expandHome(t.CAFile))
			if err != nil {
				return nil, r.cfg.Errorf(fmt.Sprintf("tls[%d].ca_file", i), "%v", err)
			}
			roots = x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pem) {
				return nil, r.cfg.Errorf(fmt.Sprintf("tls[%d].ca_file", i), "%s: no PEM certificate", t.CAFile)
			}
		}
		out = append(out, tlsTarget(t.Addr, t.ServerName, roots, nil))
	}
	return out, nil
}

// aws returns the AWS configuration from the SDK's default chain, with
// the configured endpoint.
func (r *resolver) aws(ctx context.Context) (aws.Config, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.awsCfg == nil && r.awsErr == nil {
		cfg, err := awsconfig.LoadDefaultConfig(ctx)
		if err != nil {
			r.awsErr = fmt.Errorf("aws config: %w", err)
		} else {
			if r.c.AWS.Endpoint != "" {
				cfg.BaseEndpoint = aws.String(r.c.AWS.Endpoint)
			}
			r.awsCfg = &cfg
		}
	}
	if r.awsErr != nil {
		return aws.Config{}, r.awsErr
	}
	return *r.awsCfg, nil
}

// dockerClient returns the Docker client for host (default DOCKER_HOST).
func (r *resolver) dockerClient(host string) (*client.Client, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.docker != nil {
		return r.docker, nil
	}
	opts := []client.Opt{client.FromEnv}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	c, err := client.New(opts...)
	if err != nil {
		return nil, r.cfg.Errorf("docker.host", "%v", err)
	}
	r.docker = c
	r.closers = append(r.closers, func() { c.Close() })
	return c, nil
}
