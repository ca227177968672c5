package main

import (
	"context"
	"fmt"
	"net/url"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// deps makes the clients sources and sinks need, once, on first use, from
// each ecosystem's standard configuration: the AWS SDK's default chain
// (plus --aws-endpoint) and DOCKER_HOST.
type deps struct {
	awsEndpoint string

	mu     sync.Mutex
	aws    *aws.Config
	docker *client.Client
}

func (d *deps) awsConfig(ctx context.Context) (aws.Config, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.aws != nil {
		return *d.aws, nil
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws config: %w", err)
	}
	if d.awsEndpoint != "" {
		if _, err := url.ParseRequestURI(d.awsEndpoint); err != nil {
			return aws.Config{}, cli.Usagef("--aws-endpoint %q: not a URL", d.awsEndpoint)
		}
		cfg.BaseEndpoint = aws.String(d.awsEndpoint)
	}
	d.aws = &cfg
	return cfg, nil
}

func (d *deps) dockerClient() (*client.Client, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.docker != nil {
		return d.docker, nil
	}
	c, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("docker: %w", err)
	}
	d.docker = c
	return c, nil
}

func (d *deps) close() {
	if d.docker != nil {
		d.docker.Close()
	}
}
