package swarm

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/scaling"
)

// serviceName is what the engine accepts as a service name.
var serviceName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$`)

// ServiceCreator creates services (POST /services/create).
type ServiceCreator interface {
	ServiceCreate(ctx context.Context, options client.ServiceCreateOptions) (client.ServiceCreateResult, error)
}

// ServiceRemover removes services (DELETE /services/{id}).
type ServiceRemover interface {
	ServiceRemove(ctx context.Context, serviceID string, options client.ServiceRemoveOptions) (client.ServiceRemoveResult, error)
}

// ProvisionAPI is what a Provisioner needs of the Docker Engine API;
// *client.Client satisfies it.
type ProvisionAPI interface {
	ServiceInspector
	ServiceUpdater
	ServiceCreator
	ServiceRemover
}

var _ ProvisionAPI = (*client.Client)(nil)

// ServiceSpec is a replicated Swarm service as code. Replicas is only sent
// when the service is created: afterwards a controller (package scaling)
// moves it, and a difference is not drift. Secrets are attached apart
// (secrets/swarm's Attach keeps their mount paths across versions), so an
// update leaves the service's secret references alone.
type ServiceSpec struct {
	// Name is the service's name.
	Name string
	// Image is the image reference.
	Image string
	// Args are the command's arguments (the image's entry point runs them).
	Args []string
	// Env is the environment.
	Env map[string]string
	// Replicas is the replica count at creation.
	Replicas uint64
	// Labels are the service's labels (others on the live service are kept).
	Labels map[string]string
}

// ServiceChange is one difference between a live service and its spec.
type ServiceChange struct {
	// Service names it.
	Service string
	// Op is "create", "update" or "remove".
	Op string
	// Detail says what.
	Detail string
}

// String reads like "update service web: image a -> b".
func (c ServiceChange) String() string {
	s := c.Op + " service " + c.Service
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

// Provisioner plans and applies ServiceSpecs: applying an unchanged spec
// makes no call that changes anything; an update is written with the
// service version read, so a concurrent change is refused, not reverted.
type Provisioner struct {
	api ProvisionAPI
}

// NewProvisioner returns a provisioner over the engine (a *client.Client).
func NewProvisioner(api ProvisionAPI) *Provisioner { return &Provisioner{api: api} }

// Validate checks the spec without any call.
func (s ServiceSpec) Validate() error {
	if !serviceName.MatchString(s.Name) {
		return &scaling.InvalidError{Input: fmt.Sprintf("service spec %q", s.Name), Field: "Name", Reason: "1-63 letters, digits and -, starting with a letter or digit"}
	}
	if s.Image == "" {
		return &scaling.InvalidError{Input: fmt.Sprintf("service spec %q", s.Name), Field: "Image", Reason: "empty"}
	}
	return nil
}

func env(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, k+"="+m[k])
	}
	return out
}

// diff lists what differs between the live service and the spec.
func diff(s ServiceSpec, live swarm.ServiceSpec) []string {
	var out []string
	cs := live.TaskTemplate.ContainerSpec
	if cs == nil {
		cs = &swarm.ContainerSpec{}
	}
	if cs.Image != s.Image {
		out = append(out, fmt.Sprintf("image %s -> %s", cs.Image, s.Image))
	}
	if !slices.Equal(cs.Args, s.Args) && (len(cs.Args) > 0 || len(s.Args) > 0) {
		out = append(out, fmt.Sprintf("args %q -> %q", cs.Args, s.Args))
	}
	have := slices.Clone(cs.Env)
	sort.Strings(have)
	if want := env(s.Env); !slices.Equal(have, want) && (len(have) > 0 || len(want) > 0) {
		out = append(out, fmt.Sprintf("env %d variables -> %d (%s)", len(have), len(want), strings.Join(envNames(want), ", ")))
	}
	for _, k := range slices.Sorted(maps.Keys(s.Labels)) {
		if v, ok := live.Labels[k]; !ok || v != s.Labels[k] {
			out = append(out, fmt.Sprintf("label %s=%s", k, s.Labels[k]))
		}
	}
	return out
}

// envNames lists variable names only: values may be sensitive.
func envNames(kv []string) []string {
	out := make([]string, len(kv))
	for i, v := range kv {
		out[i], _, _ = strings.Cut(v, "=")
	}
	return out
}

// inspect returns the live service, or false when there is none.
func (p *Provisioner) inspect(ctx context.Context, name string) (swarm.Service, bool, error) {
	res, err := p.api.ServiceInspect(ctx, name, client.ServiceInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return swarm.Service{}, false, nil
	}
	if err != nil {
		return swarm.Service{}, false, fmt.Errorf("scaling/swarm: service %q: inspect: %w", name, err)
	}
	return res.Service, true, nil
}

// Plan compares the specs with the live services without changing anything.
func (p *Provisioner) Plan(ctx context.Context, specs ...ServiceSpec) ([]ServiceChange, error) {
	var out []ServiceChange
	for _, s := range specs {
		if err := s.Validate(); err != nil {
			return nil, err
		}
	}
	for _, s := range specs {
		live, ok, err := p.inspect(ctx, s.Name)
		if err != nil {
			return out, err
		}
		if !ok {
			out = append(out, ServiceChange{Service: s.Name, Op: "create", Detail: fmt.Sprintf("%s, %d replicas", s.Image, s.Replicas)})
			continue
		}
		if d := diff(s, live.Spec); len(d) > 0 {
			out = append(out, ServiceChange{Service: s.Name, Op: "update", Detail: strings.Join(d, "; ")})
		}
	}
	return out, nil
}

// Apply creates the missing services and updates those that differ,
// returning what it did.
func (p *Provisioner) Apply(ctx context.Context, specs ...ServiceSpec) ([]ServiceChange, error) {
	plan, err := p.Plan(ctx, specs...)
	if err != nil {
		return nil, err
	}
	byName := map[string]ServiceSpec{}
	for _, s := range specs {
		byName[s.Name] = s
	}
	var done []ServiceChange
	for _, c := range plan {
		s := byName[c.Service]
		if c.Op == "create" {
			replicas := s.Replicas
			spec := swarm.ServiceSpec{Annotations: swarm.Annotations{Name: s.Name, Labels: maps.Clone(s.Labels)},
				TaskTemplate: swarm.TaskSpec{ContainerSpec: &swarm.ContainerSpec{Image: s.Image, Args: s.Args, Env: env(s.Env)}},
				Mode:         swarm.ServiceMode{Replicated: &swarm.ReplicatedService{Replicas: &replicas}}}
			if _, err := p.api.ServiceCreate(ctx, client.ServiceCreateOptions{Spec: spec}); err != nil {
				return done, fmt.Errorf("scaling/swarm: create service %q: %w", s.Name, err)
			}
			done = append(done, c)
			continue
		}
		live, ok, err := p.inspect(ctx, s.Name)
		if err != nil || !ok {
			return done, fmt.Errorf("scaling/swarm: service %q vanished during apply: %w", s.Name, err)
		}
		spec := live.Spec
		cs := swarm.ContainerSpec{}
		if spec.TaskTemplate.ContainerSpec != nil {
			cs = *spec.TaskTemplate.ContainerSpec
		}
		cs.Image, cs.Args, cs.Env = s.Image, s.Args, env(s.Env)
		spec.TaskTemplate.ContainerSpec = &cs
		if spec.Labels == nil {
			spec.Labels = map[string]string{}
		}
		maps.Copy(spec.Labels, s.Labels)
		if _, err := p.api.ServiceUpdate(ctx, live.ID, client.ServiceUpdateOptions{Version: live.Version, Spec: spec}); err != nil {
			return done, fmt.Errorf("scaling/swarm: update service %q: %w", s.Name, err)
		}
		done = append(done, c)
	}
	return done, nil
}

// Delete removes the named services that exist, returning what it did.
func (p *Provisioner) Delete(ctx context.Context, names ...string) ([]ServiceChange, error) {
	var done []ServiceChange
	for _, n := range names {
		live, ok, err := p.inspect(ctx, n)
		if err != nil {
			return done, err
		}
		if !ok {
			continue
		}
		if _, err := p.api.ServiceRemove(ctx, live.ID, client.ServiceRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
			return done, fmt.Errorf("scaling/swarm: remove service %q: %w", n, err)
		}
		done = append(done, ServiceChange{Service: n, Op: "remove"})
	}
	return done, nil
}
