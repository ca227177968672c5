package main

import (
	"strings"

	"context"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/containeraudit"
	"github.com/opskit-dev/opskit/secrets/lint"
)

// dockerTargets audits the engine DOCKER_HOST (or docker.host) names: its
// daemon settings and containers, and each configured image for leaked
// secrets.
func (r *resolver) dockerTargets(d *dockerConfig) ([]target, error) {
	c, err := r.dockerClient(d.Host)
	if err != nil {
		return nil, err
	}
	opts := containeraudit.Options{Labels: d.Labels, All: d.All, AllowedRegistries: d.AllowedRegistries, ProductionLabels: d.ProductionLabels}
	if d.SSHHost != "" {
		h, ok := r.sshHosts[d.SSHHost]
		if !ok {
			return nil, r.cfg.Errorf("docker.ssh_host", "%q is not a name in ssh.hosts", d.SSHHost)
		}
		opts.Host = h
	}
	name := "docker " + c.DaemonHost()
	out := []target{containersTarget(name, c, opts)}
	for _, ref := range d.Images {
		out = append(out, imageTarget(c, ref))
	}
	return out, nil
}

// containersTarget audits the daemon and containers api reaches.
func containersTarget(name string, api containeraudit.DockerAPI, opts containeraudit.Options) target {
	return target{name: name, checks: containeraudit.Checks(), audit: func(ctx context.Context) ([]access.Finding, error) {
		return containeraudit.Audit(ctx, api, opts)
	}}
}

// imageTarget lints one built image's config and history.
func imageTarget(api lint.ImageAPI, ref string) target {
	return target{name: "image " + ref, checks: imageChecks(), audit: func(ctx context.Context) ([]access.Finding, error) {
		return lint.New(lint.Options{}).Image(ctx, api, ref)
	}}
}

func imageChecks() []access.Check {
	var out []access.Check
	for _, c := range lint.Checks() {
		if strings.HasPrefix(c.ID, "secrets.lint.image.") {
			out = append(out, c)
		}
	}
	return out
}
