package swarmfake

import (
	"context"
	"fmt"
	"maps"
	"sort"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"
)

// MaxSecretSize is the engine's limit on a secret's data: 500 KiB.
const MaxSecretSize = 500 * 1024

// SecretCreate creates a secret; its name is unique.
func (e *Engine) SecretCreate(_ context.Context, opts client.SecretCreateOptions) (client.SecretCreateResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := opts.Spec.Name
	if name == "" {
		return client.SecretCreateResult{}, fmt.Errorf("secret name is required: %w", cerrdefs.ErrInvalidArgument)
	}
	if len(opts.Spec.Data) == 0 || len(opts.Spec.Data) > MaxSecretSize {
		return client.SecretCreateResult{}, fmt.Errorf("secret data must be larger than 0 and less than %d bytes: %w", MaxSecretSize, cerrdefs.ErrInvalidArgument)
	}
	for _, s := range e.secrets {
		if s.Spec.Name == name {
			return client.SecretCreateResult{}, fmt.Errorf("secret %s already exists: %w", name, cerrdefs.ErrConflict)
		}
	}
	now := time.Now()
	spec := opts.Spec
	spec.Labels = maps.Clone(spec.Labels)
	spec.Data = append([]byte(nil), spec.Data...)
	s := &swarm.Secret{ID: e.id(), Meta: swarm.Meta{Version: e.version(), CreatedAt: now, UpdatedAt: now}, Spec: spec}
	e.secrets[s.ID] = s
	return client.SecretCreateResult{ID: s.ID}, nil
}

// matches applies the filters "name" and "label" (key or key=value).
func matches(s *swarm.Secret, f client.Filters) bool {
	if names := f["name"]; len(names) > 0 && !names[s.Spec.Name] {
		return false
	}
	for l := range f["label"] {
		k, v, hasValue := strings.Cut(l, "=")
		got, ok := s.Spec.Labels[k]
		if !ok || (hasValue && got != v) {
			return false
		}
	}
	return true
}

// SecretList lists secrets, without their data, in name order.
func (e *Engine) SecretList(_ context.Context, opts client.SecretListOptions) (client.SecretListResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out client.SecretListResult
	for _, s := range e.secrets {
		if !matches(s, opts.Filters) {
			continue
		}
		c := *s
		c.Spec.Labels = maps.Clone(s.Spec.Labels)
		c.Spec.Data = nil
		out.Items = append(out.Items, c)
	}
	sort.Slice(out.Items, func(i, j int) bool { return out.Items[i].Spec.Name < out.Items[j].Spec.Name })
	return out, nil
}

// SecretUpdate changes a secret's labels, given the version read; the
// data cannot change.
func (e *Engine) SecretUpdate(_ context.Context, id string, opts client.SecretUpdateOptions) (client.SecretUpdateResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.secrets[id]
	if s == nil {
		return client.SecretUpdateResult{}, notFound("secret", id)
	}
	if opts.Version.Index != s.Version.Index {
		return client.SecretUpdateResult{}, fmt.Errorf("rpc error: code = Unknown desc = update out of sequence: %w", cerrdefs.ErrUnknown)
	}
	if opts.Spec.Name != s.Spec.Name || (len(opts.Spec.Data) > 0 && string(opts.Spec.Data) != string(s.Spec.Data)) {
		return client.SecretUpdateResult{}, fmt.Errorf("only updates to Labels are allowed: %w", cerrdefs.ErrInvalidArgument)
	}
	s.Spec.Labels = maps.Clone(opts.Spec.Labels)
	s.Version = e.version()
	s.UpdatedAt = time.Now()
	return client.SecretUpdateResult{}, nil
}

// SecretRemove removes a secret no service uses.
func (e *Engine) SecretRemove(_ context.Context, id string, _ client.SecretRemoveOptions) (client.SecretRemoveResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.secrets[id]
	if s == nil {
		return client.SecretRemoveResult{}, notFound("secret", id)
	}
	for _, svc := range e.services {
		if cs := svc.Spec.TaskTemplate.ContainerSpec; cs != nil {
			for _, r := range cs.Secrets {
				if r.SecretID == id {
					return client.SecretRemoveResult{}, fmt.Errorf("secret '%s' is in use by the following service: %s: %w", s.Spec.Name, svc.Spec.Name, cerrdefs.ErrInvalidArgument)
				}
			}
		}
	}
	delete(e.secrets, id)
	return client.SecretRemoveResult{}, nil
}
