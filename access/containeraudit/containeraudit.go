// Package containeraudit audits a Docker host's containers: the CIS
// Docker runtime checks over the Engine API, sensitive host mounts graded
// by path and mode, image provenance (allowed registries, production
// images pinned by digest), user-namespace remapping, and content trust as
// the host itself governs pulls (its daemon.json and its users' login
// environment, read over SSH through an access.Host). Audit returns
// access's finding model (access.Finding; write an access.Report as table,
// JSON, SARIF or JUnit). It is its own package so that a program granting
// SSH access through access does not compile the Docker client.
package containeraudit

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/internal/audit"
)

// DockerAPI is the part of the Docker Engine API the container audit reads;
// *client.Client implements it.
type DockerAPI interface {
	ContainerList(ctx context.Context, options client.ContainerListOptions) (client.ContainerListResult, error)
	ContainerInspect(ctx context.Context, id string, options client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	Info(ctx context.Context, options client.InfoOptions) (client.SystemInfoResult, error)
	ImageInspect(ctx context.Context, image string, options ...client.ImageInspectOption) (client.ImageInspectResult, error)
}

var _ DockerAPI = (*client.Client)(nil)

// Options selects the containers to audit and says what the host allows.
type Options struct {
	// Labels keeps only containers with every label ("key" or "key=value").
	Labels []string
	// All includes stopped containers.
	All bool
	// AllowedRegistries are the registries ("registry.example.com",
	// "123456789012.dkr.ecr.eu-west-1.amazonaws.com") or repository
	// prefixes ("docker.io/library", "ghcr.io/acme") container images may
	// come from. Empty allows every registry but PublicRegistries.
	AllowedRegistries []string
	// ProductionLabels selects the containers whose image must be pinned
	// by digest: those with any of these labels ("key" or "key=value").
	// Empty means every container.
	ProductionLabels []string
	// Host is the Docker host itself (an access/sshhost host, or a fake),
	// from which the content trust check reads what governs pulls there:
	// /etc/docker/daemon.json and the login environment of root and the
	// docker group's members. Without it that check reports an error
	// saying it could not be evaluated; it never looks at the auditing
	// process's own environment.
	Host access.Host
}

// containerTarget is what the container checks inspect.
type containerTarget struct {
	containers      []container.InspectResponse
	securityOptions []string
	opts            Options
	images          map[string]imageResult
}

// imageResult is one image as inspected, or why it could not be.
type imageResult struct {
	repoTags, repoDigests []string
	err                   error
}

// image returns the inspected image id.
func (t *containerTarget) image(id string) (imageResult, error) {
	r, ok := t.images[id]
	if !ok {
		return imageResult{}, fmt.Errorf("image %s was not inspected", shortID(id))
	}
	return r, r.err
}

// dockerDefaultCaps is Docker's default capability set (CIS Docker 5.4).
var dockerDefaultCaps = []string{"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
	"NET_RAW", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", "AUDIT_WRITE"}

func containerResource(c container.InspectResponse) string {
	id := c.ID
	if len(id) > 12 {
		id = id[:12]
	}
	return "container " + strings.TrimPrefix(c.Name, "/") + " (" + id + ")"
}

// perContainer builds a checker that passes or fails each container by bad,
// which returns the evidence of a failure or "".
func perContainer(c access.Check, bad func(container.InspectResponse) string) audit.Checker[*containerTarget] {
	return perContainerOnDaemon(c, func(_ *containerTarget, ct container.InspectResponse) string { return bad(ct) })
}

// perContainerOnDaemon is perContainer for checks whose answer also depends
// on the daemon's defaults.
func perContainerOnDaemon(c access.Check, bad func(*containerTarget, container.InspectResponse) string) audit.Checker[*containerTarget] {
	return audit.Checker[*containerTarget]{Check: c, Func: func(_ context.Context, t *containerTarget) ([]access.Finding, error) {
		var out []access.Finding
		for _, ct := range t.containers {
			if ev := bad(t, ct); ev != "" {
				out = append(out, c.Fail(containerResource(ct), ev))
			} else {
				out = append(out, c.Pass(containerResource(ct)))
			}
		}
		return out, nil
	}}
}

func hostConfig(c container.InspectResponse) *container.HostConfig {
	if c.HostConfig == nil {
		return &container.HostConfig{}
	}
	return c.HostConfig
}

func hasSecurityOpt(c container.InspectResponse, pred func(string) bool) string {
	for _, o := range hostConfig(c).SecurityOpt {
		if pred(o) {
			return o
		}
	}
	return ""
}

// runsAsRoot reports whether a Config.User means uid 0: "", "0", "root",
// or those with a group.
func runsAsRoot(user string) bool {
	u, _, _ := strings.Cut(strings.TrimSpace(user), ":")
	return u == "" || u == "0" || u == "root"
}

func nsShared(name string, mode func(*container.HostConfig) string, cis string, sev access.Severity) audit.Checker[*containerTarget] {
	id := "access.container.host_" + name
	return perContainer(access.Check{
		ID: id, Title: "container shares the host's " + strings.ToUpper(name) + " namespace", Severity: sev,
		Remediation: access.Remediation{Text: "Do not run the container with --" + name + "=host."},
		References:  []string{"CIS Docker Benchmark " + cis},
		Tags:        []string{"cis", "docker", "container"},
	}, func(c container.InspectResponse) string {
		if m := mode(hostConfig(c)); m == "host" {
			return name + " mode is host"
		}
		return ""
	})
}

// Checks returns the container and daemon checks the container
// audit runs, for reports and documentation.
func Checks() []access.Check {
	var out []access.Check
	for _, c := range containerCheckers() {
		out = append(out, c.Check)
	}
	return out
}

func containerCheckers() []audit.Checker[*containerTarget] {
	cs := append(runtimeCheckers(), mountCheckers()...)
	cs = append(cs, provenanceCheckers()...)
	return append(cs, contentTrustChecker())
}

func runtimeCheckers() []audit.Checker[*containerTarget] {
	tags := []string{"cis", "docker", "container"}
	return []audit.Checker[*containerTarget]{
		perContainer(access.Check{ID: "access.container.root_user", Title: "container runs as root", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: "Run as an unprivileged user: USER in the Dockerfile or --user 1000:1000."},
			References:  []string{"CIS Docker Benchmark 4.1"}, Tags: tags},
			func(c container.InspectResponse) string {
				user := ""
				if c.Config != nil {
					user = c.Config.User
				}
				if runsAsRoot(user) {
					return fmt.Sprintf("user is %q", user)
				}
				return ""
			}),
		perContainer(access.Check{ID: "access.container.privileged", Title: "container is privileged", Severity: access.SeverityCritical,
			Remediation: access.Remediation{Text: "Remove --privileged; add only the capabilities the workload needs."},
			References:  []string{"CIS Docker Benchmark 5.5"}, Tags: tags},
			func(c container.InspectResponse) string {
				if hostConfig(c).Privileged {
					return "Privileged is true"
				}
				return ""
			}),
		perContainer(access.Check{ID: "access.container.capabilities", Title: "container adds capabilities beyond Docker's defaults", Severity: access.SeverityHigh,
			Remediation: access.Remediation{Text: "Drop the added capabilities (--cap-add); prefer --cap-drop ALL plus the few needed."},
			References:  []string{"CIS Docker Benchmark 5.4"}, Tags: tags},
			func(c container.InspectResponse) string {
				var extra []string
				for _, cp := range hostConfig(c).CapAdd {
					n := strings.TrimPrefix(strings.ToUpper(cp), "CAP_")
					if !slices.Contains(dockerDefaultCaps, n) {
						extra = append(extra, n)
					}
				}
				if len(extra) > 0 {
					return "CapAdd " + strings.Join(extra, ",")
				}
				return ""
			}),
		perContainer(access.Check{ID: "access.container.memory_limit", Title: "container has no memory limit", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: "Set a memory limit, e.g. --memory 512m."},
			References:  []string{"CIS Docker Benchmark 5.11"}, Tags: tags},
			func(c container.InspectResponse) string {
				if hostConfig(c).Memory <= 0 {
					return "Memory is 0 (unlimited)"
				}
				return ""
			}),
		perContainer(access.Check{ID: "access.container.cpu_limit", Title: "container has no CPU limit or shares", Severity: access.SeverityLow,
			Remediation: access.Remediation{Text: "Set --cpus or --cpu-shares."},
			References:  []string{"CIS Docker Benchmark 5.12"}, Tags: tags},
			func(c container.InspectResponse) string {
				hc := hostConfig(c)
				if hc.NanoCPUs == 0 && hc.CPUShares == 0 && hc.CPUQuota == 0 {
					return "NanoCpus, CpuShares and CpuQuota are 0"
				}
				return ""
			}),
		perContainer(access.Check{ID: "access.container.pids_limit", Title: "container has no PIDs limit", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: "Set --pids-limit, e.g. 256."},
			References:  []string{"CIS Docker Benchmark 5.29"}, Tags: tags},
			func(c container.InspectResponse) string {
				if p := hostConfig(c).PidsLimit; p == nil || *p <= 0 {
					return "PidsLimit is unset"
				}
				return ""
			}),
		perContainer(access.Check{ID: "access.container.writable_rootfs", Title: "container root filesystem is writable", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: "Run with --read-only and mount writable paths explicitly (tmpfs or volumes)."},
			References:  []string{"CIS Docker Benchmark 5.13"}, Tags: tags},
			func(c container.InspectResponse) string {
				if !hostConfig(c).ReadonlyRootfs {
					return "ReadonlyRootfs is false"
				}
				return ""
			}),
		perContainerOnDaemon(access.Check{ID: "access.container.no_new_privileges", Title: "container may gain new privileges", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: "Run with --security-opt no-new-privileges, or set \"no-new-privileges\": true in daemon.json."},
			References:  []string{"CIS Docker Benchmark 5.26"}, Tags: tags},
			func(t *containerTarget, c container.InspectResponse) string {
				// An explicit option wins; without one the container
				// inherits the daemon's default (daemon.json
				// "no-new-privileges", shown by docker info).
				for _, o := range hostConfig(c).SecurityOpt {
					switch strings.ReplaceAll(o, "=", ":") {
					case "no-new-privileges", "no-new-privileges:true":
						return ""
					case "no-new-privileges:false":
						return "SecurityOpt sets " + o
					}
				}
				if slices.Contains(t.securityOptions, "name=no-new-privileges") {
					return ""
				}
				return "SecurityOpt lacks no-new-privileges and the daemon does not default to it"
			}),
		nsShared("network", func(h *container.HostConfig) string { return string(h.NetworkMode) }, "5.10", access.SeverityHigh),
		nsShared("pid", func(h *container.HostConfig) string { return string(h.PidMode) }, "5.16", access.SeverityHigh),
		nsShared("ipc", func(h *container.HostConfig) string { return string(h.IpcMode) }, "5.17", access.SeverityHigh),
		nsShared("uts", func(h *container.HostConfig) string { return string(h.UTSMode) }, "5.21", access.SeverityMedium),
		nsShared("userns", func(h *container.HostConfig) string { return string(h.UsernsMode) }, "5.31", access.SeverityMedium),
		perContainer(access.Check{ID: "access.container.docker_socket", Title: "container mounts the Docker socket", Severity: access.SeverityCritical,
			Remediation: access.Remediation{Text: "Do not mount docker.sock into containers: it is root on the host."},
			References:  []string{"CIS Docker Benchmark 5.32"}, Tags: tags},
			func(c container.InspectResponse) string {
				for _, m := range c.Mounts {
					if strings.Contains(m.Source, "docker.sock") || strings.Contains(m.Destination, "docker.sock") {
						return "mounts " + m.Source + " at " + m.Destination
					}
				}
				return ""
			}),
		perContainer(access.Check{ID: "access.container.seccomp_unconfined", Title: "container runs without seccomp", Severity: access.SeverityHigh,
			Remediation: access.Remediation{Text: "Remove --security-opt seccomp=unconfined; use the default or a custom profile."},
			References:  []string{"CIS Docker Benchmark 5.22"}, Tags: tags},
			func(c container.InspectResponse) string {
				if o := hasSecurityOpt(c, func(o string) bool {
					return strings.ReplaceAll(o, ":", "=") == "seccomp=unconfined"
				}); o != "" {
					return "SecurityOpt " + o
				}
				return ""
			}),
		{Check: access.Check{ID: "access.docker.userns_remap", Title: "Docker daemon does not remap user namespaces", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: `Set "userns-remap": "default" in /etc/docker/daemon.json and restart dockerd.`},
			References:  []string{"CIS Docker Benchmark 2.9"}, Tags: []string{"cis", "docker", "daemon"}},
			Func: func(_ context.Context, t *containerTarget) ([]access.Finding, error) {
				c := access.Check{ID: "access.docker.userns_remap"}
				for _, o := range t.securityOptions {
					if o == "name=userns" || strings.HasPrefix(o, "name=userns,") || o == "name=rootless" {
						return []access.Finding{c.Pass("docker daemon")}, nil
					}
				}
				return []access.Finding{c.Fail("docker daemon", "security options: "+strings.Join(t.securityOptions, " "))}, nil
			}},
	}
}

// Audit runs the CIS Docker runtime, mount and image provenance checks on
// every selected container and the daemon checks on the engine (content
// trust through Options.Host), returning one finding per check and
// container.
func Audit(ctx context.Context, api DockerAPI, opts Options) ([]access.Finding, error) {
	f := client.Filters{}
	for _, l := range opts.Labels {
		f = f.Add("label", l)
	}
	list, err := api.ContainerList(ctx, client.ContainerListOptions{All: opts.All, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("containeraudit: list containers: %w", err)
	}
	t := &containerTarget{opts: opts, images: map[string]imageResult{}}
	for _, s := range list.Items {
		res, err := api.ContainerInspect(ctx, s.ID, client.ContainerInspectOptions{})
		if err != nil {
			return nil, fmt.Errorf("containeraudit: inspect container %s: %w", s.ID, err)
		}
		t.containers = append(t.containers, res.Container)
		id := res.Container.Image
		if _, ok := t.images[id]; ok || id == "" {
			continue
		}
		img, err := api.ImageInspect(ctx, id)
		if err != nil {
			t.images[id] = imageResult{err: fmt.Errorf("inspect image %s: %w", shortID(id), err)}
			continue
		}
		t.images[id] = imageResult{repoTags: img.RepoTags, repoDigests: img.RepoDigests}
	}
	info, err := api.Info(ctx, client.InfoOptions{})
	if err != nil {
		return nil, fmt.Errorf("containeraudit: docker info: %w", err)
	}
	t.securityOptions = info.Info.SecurityOptions
	return audit.Run(ctx, t, containerCheckers()...), nil
}
