package main

import (
	"context"
	"fmt"
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/image"
	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
	"github.com/opskit-dev/opskit/access/containeraudit"
	"github.com/opskit-dev/opskit/secrets/lint"
)

// demoImage is the demo engine's image whose build leaked a token.
const demoImage = "shop/api:1.4"

// demoPinned is how shop-api is deployed: the same image pinned by its
// digest, so a re-pushed tag cannot change what runs.
const demoPinned = "shop/api@sha256:7d865e959b2466918c9863afca942d0fb89d7c9ac0c99bafc3749504ded97730"

// The demo's leaked values: made up, in the shapes the linter knows, and
// built at run time so no scanner mistakes this file for a leak.
var (
	demoPassword = strings.Join([]string{"Tr0ub4dor", "demo", "only"}, "-")
	demoNPMToken = "npm_" + strings.Repeat("D3m0", 9)
)

// dockerEngine is an in-memory stand-in for a Docker engine: the five
// Engine API reads the container audit and the image lint make, answered
// from fixed data. Label filters and stopped containers are not modelled.
type dockerEngine struct {
	containers []container.InspectResponse
	info       system.Info
	images     map[string]client.ImageInspectResult
	history    map[string][]image.HistoryResponseItem
}

var (
	_ containeraudit.DockerAPI = (*dockerEngine)(nil)
	_ lint.ImageAPI            = (*dockerEngine)(nil)
)

func (e *dockerEngine) ContainerList(context.Context, client.ContainerListOptions) (client.ContainerListResult, error) {
	var out client.ContainerListResult
	for _, c := range e.containers {
		out.Items = append(out.Items, container.Summary{ID: c.ID, Names: []string{c.Name}, Image: c.Image})
	}
	return out, nil
}

func (e *dockerEngine) ContainerInspect(_ context.Context, id string, _ client.ContainerInspectOptions) (client.ContainerInspectResult, error) {
	for _, c := range e.containers {
		if c.ID == id {
			return client.ContainerInspectResult{Container: c}, nil
		}
	}
	return client.ContainerInspectResult{}, fmt.Errorf("no such container: %s", id)
}

func (e *dockerEngine) Info(context.Context, client.InfoOptions) (client.SystemInfoResult, error) {
	return client.SystemInfoResult{Info: e.info}, nil
}

func (e *dockerEngine) ImageInspect(_ context.Context, ref string, _ ...client.ImageInspectOption) (client.ImageInspectResult, error) {
	if r, ok := e.images[ref]; ok {
		return r, nil
	}
	return client.ImageInspectResult{}, fmt.Errorf("no such image: %s", ref)
}

func (e *dockerEngine) ImageHistory(_ context.Context, ref string, _ ...client.ImageHistoryOption) (client.ImageHistoryResult, error) {
	if h, ok := e.history[ref]; ok {
		return client.ImageHistoryResult{Items: h}, nil
	}
	return client.ImageHistoryResult{}, fmt.Errorf("no such image: %s", ref)
}

// demoDocker is an engine without user-namespace remapping, running
// shop-api as it should (a user, limits, read-only, no new privileges)
// and legacy-worker as it should not (privileged, root, the Docker socket
// and /etc mounted, the host's network and PID namespaces).
func demoDocker() *dockerEngine {
	pids := int64(256)
	good := container.InspectResponse{
		ID: "5f1c0d9a7b3e2c41d8a6", Name: "/shop-api", Image: demoPinned, AppArmorProfile: "docker-default",
		Config: &container.Config{User: "10001:10001", Image: demoPinned, Healthcheck: &container.HealthConfig{Test: []string{"CMD", "/healthz"}}},
		HostConfig: &container.HostConfig{
			Resources:      container.Resources{Memory: 512 << 20, NanoCPUs: 1e9, PidsLimit: &pids},
			ReadonlyRootfs: true, SecurityOpt: []string{"no-new-privileges:true"}, CapDrop: []string{"ALL"},
			NetworkMode: "bridge",
		},
		State: &container.State{Status: "running", Running: true},
	}
	bad := container.InspectResponse{
		ID: "9e8d7c6b5a4f3e2d1c0b", Name: "/legacy-worker", Image: "legacy/worker:latest", AppArmorProfile: "unconfined",
		Config: &container.Config{User: "", Image: "legacy/worker:latest"},
		HostConfig: &container.HostConfig{
			Privileged: true, CapAdd: []string{"SYS_ADMIN", "NET_ADMIN"}, NetworkMode: "host", PidMode: "host",
			SecurityOpt: []string{"seccomp=unconfined"},
		},
		Mounts: []container.MountPoint{
			{Type: "bind", Source: "/var/run/docker.sock", Destination: "/var/run/docker.sock", RW: true},
			{Type: "bind", Source: "/etc", Destination: "/host/etc", RW: true},
		},
		State: &container.State{Status: "running", Running: true},
	}
	return &dockerEngine{
		containers: []container.InspectResponse{good, bad},
		info:       system.Info{SecurityOptions: []string{"name=apparmor", "name=seccomp,profile=builtin", "name=cgroupns"}},
		images: map[string]client.ImageInspectResult{demoImage: {InspectResponse: image.InspectResponse{
			ID: "sha256:3b4f9a", RepoTags: []string{demoImage},
			Config: &dockerspec.DockerOCIImageConfig{ImageConfig: ocispec.ImageConfig{
				User: "10001:10001",
				Env:  []string{"PATH=/usr/local/bin:/usr/bin:/bin", "DB_PASSWORD=" + demoPassword, "LOG_LEVEL=info"},
			}},
		}}},
		history: map[string][]image.HistoryResponseItem{demoImage: {
			{ID: "sha256:3b4f9a", CreatedBy: "USER 10001:10001"},
			{ID: "<missing>", CreatedBy: "|1 NPM_TOKEN=" + demoNPMToken + " /bin/sh -c npm ci --omit=dev"},
			{ID: "<missing>", CreatedBy: "/bin/sh -c #(nop) COPY dir:1f2e3d in /app"},
		}},
	}
}

func dockerDemoOptions() containeraudit.Options {
	// The Docker host enforces content trust in its daemon.json: that
	// check passes. Images may come from the team's own repositories on
	// Docker Hub only, and none is pinned by digest.
	host := accessfake.New("docker1", accessfake.Options{})
	host.WriteFile(access.DockerDaemonConfigFile, access.FileInfo{Mode: 0o644, Owner: "root", Group: "root"}, []byte(`{"content-trust": {"mode": "enforced"}}`))
	return containeraudit.Options{Host: host, AllowedRegistries: []string{"docker.io/shop"}}
}
