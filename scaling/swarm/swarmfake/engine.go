package swarmfake

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	opsswarm "github.com/opskit-dev/opskit/scaling/swarm"
)

var _ opsswarm.ProvisionAPI = (*Engine)(nil)

// Engine is the in-memory manager. Safe for concurrent use.
type Engine struct {
	mu       sync.Mutex
	next     int
	index    uint64
	services map[string]*swarm.Service // by ID
	secrets  map[string]*swarm.Secret
}

// New returns a manager with no services and no secrets.
func New() *Engine {
	return &Engine{services: map[string]*swarm.Service{}, secrets: map[string]*swarm.Secret{}}
}

func (e *Engine) id() string {
	e.next++
	return fmt.Sprintf("%025x", e.next)
}

func (e *Engine) version() swarm.Version {
	e.index++
	return swarm.Version{Index: e.index}
}

func notFound(kind, id string) error {
	return fmt.Errorf("%s %s not found: %w", kind, id, cerrdefs.ErrNotFound)
}

func (e *Engine) service(ref string) (*swarm.Service, error) {
	if s := e.services[ref]; s != nil {
		return s, nil
	}
	for _, s := range e.services {
		if s.Spec.Name == ref {
			return s, nil
		}
	}
	return nil, notFound("service", ref)
}

// clone deep-copies what callers may change.
func clone(s swarm.ServiceSpec) swarm.ServiceSpec {
	s.Labels = maps.Clone(s.Labels)
	if cs := s.TaskTemplate.ContainerSpec; cs != nil {
		c := *cs
		c.Args = append([]string(nil), cs.Args...)
		c.Env = append([]string(nil), cs.Env...)
		c.Secrets = append([]*swarm.SecretReference(nil), cs.Secrets...)
		s.TaskTemplate.ContainerSpec = &c
	}
	if r := s.Mode.Replicated; r != nil && r.Replicas != nil {
		n := *r.Replicas
		s.Mode.Replicated = &swarm.ReplicatedService{Replicas: &n}
	}
	return s
}

// checkRefs checks that a spec's secret references name existing secrets.
func (e *Engine) checkRefs(spec swarm.ServiceSpec) error {
	if cs := spec.TaskTemplate.ContainerSpec; cs != nil {
		for _, r := range cs.Secrets {
			sec := e.secrets[r.SecretID]
			if sec == nil || sec.Spec.Name != r.SecretName {
				return fmt.Errorf("secret not found: %s: %w", r.SecretName, cerrdefs.ErrInvalidArgument)
			}
		}
	}
	return nil
}

// ServiceCreate creates a service; its name is unique.
func (e *Engine) ServiceCreate(_ context.Context, opts client.ServiceCreateOptions) (client.ServiceCreateResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := opts.Spec.Name
	if name == "" {
		return client.ServiceCreateResult{}, fmt.Errorf("name must be valid as a DNS name component: %w", cerrdefs.ErrInvalidArgument)
	}
	if _, err := e.service(name); err == nil {
		return client.ServiceCreateResult{}, fmt.Errorf("service %s already exists: %w", name, cerrdefs.ErrConflict)
	}
	if err := e.checkRefs(opts.Spec); err != nil {
		return client.ServiceCreateResult{}, err
	}
	now := time.Now()
	s := &swarm.Service{ID: e.id(), Meta: swarm.Meta{Version: e.version(), CreatedAt: now, UpdatedAt: now}, Spec: clone(opts.Spec)}
	e.services[s.ID] = s
	return client.ServiceCreateResult{ID: s.ID}, nil
}

// ServiceInspect returns a service by ID or name.
func (e *Engine) ServiceInspect(_ context.Context, id string, _ client.ServiceInspectOptions) (client.ServiceInspectResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.service(id)
	if err != nil {
		return client.ServiceInspectResult{}, err
	}
	out := *s
	out.Spec = clone(s.Spec)
	return client.ServiceInspectResult{Service: out}, nil
}

// ServiceList lists services in name order (no filters).
func (e *Engine) ServiceList(_ context.Context, _ client.ServiceListOptions) (client.ServiceListResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out client.ServiceListResult
	for _, s := range e.services {
		c := *s
		c.Spec = clone(s.Spec)
		out.Items = append(out.Items, c)
	}
	sort.Slice(out.Items, func(i, j int) bool { return out.Items[i].Spec.Name < out.Items[j].Spec.Name })
	return out, nil
}

// ServiceUpdate replaces a service's spec, given the version read.
func (e *Engine) ServiceUpdate(_ context.Context, id string, opts client.ServiceUpdateOptions) (client.ServiceUpdateResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.service(id)
	if err != nil {
		return client.ServiceUpdateResult{}, err
	}
	if opts.Version.Index != s.Version.Index {
		return client.ServiceUpdateResult{}, fmt.Errorf("rpc error: code = Unknown desc = update out of sequence: %w", cerrdefs.ErrUnknown)
	}
	if opts.Spec.Name != s.Spec.Name {
		return client.ServiceUpdateResult{}, fmt.Errorf("renaming services is not supported: %w", cerrdefs.ErrInvalidArgument)
	}
	if err := e.checkRefs(opts.Spec); err != nil {
		return client.ServiceUpdateResult{}, err
	}
	prev := s.Spec
	s.PreviousSpec = &prev
	s.Spec = clone(opts.Spec)
	s.Version = e.version()
	s.UpdatedAt = time.Now()
	return client.ServiceUpdateResult{}, nil
}

// ServiceRemove removes a service.
func (e *Engine) ServiceRemove(_ context.Context, id string, _ client.ServiceRemoveOptions) (client.ServiceRemoveResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s, err := e.service(id)
	if err != nil {
		return client.ServiceRemoveResult{}, err
	}
	delete(e.services, s.ID)
	return client.ServiceRemoveResult{}, nil
}
