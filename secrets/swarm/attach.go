package swarm

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/moby/moby/api/types/swarm"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/backoff"
	"github.com/opskit-dev/opskit/secrets/driver"
)

// AttachOptions configures Attach.
type AttachOptions struct {
	// Target is the file name under /run/secrets; "" is the secret's name,
	// so the application's path never changes across versions.
	Target string
	// Attempts bounds retries of a write refused as out of sequence; 0 is 10.
	Attempts int
	// Backoff spaces the retries; the zero value starts at 50ms.
	Backoff backoff.Policy
}

// Attach points the service's reference to secret name at its current
// version (adding the reference if missing), mounted at the same target,
// with the service's version; a concurrent update makes it read the
// service again and retry. Swarm then replaces the tasks, which read the
// new value from the same path. It returns the version ID attached.
func (b *Backend) Attach(ctx context.Context, serviceID, name string, opts AttachOptions) (string, error) {
	vs, err := b.list(ctx, name)
	if err != nil {
		return "", err
	}
	var cur *version
	for i := range vs {
		for _, s := range vs[i].Stages {
			if s == driver.StageCurrent {
				cur = &vs[i]
			}
		}
	}
	if cur == nil {
		return "", fmt.Errorf("swarm secret %q: no current version: %w", name, driver.ErrNotFound)
	}
	target := opts.Target
	if target == "" {
		target = name
	}
	attempts := opts.Attempts
	if attempts <= 0 {
		attempts = 10
	}
	pol := opts.Backoff.WithDefaults(backoff.Policy{Initial: 50 * time.Millisecond, Max: time.Second})
	for n := 0; ; n++ {
		err := b.attachOnce(ctx, serviceID, name, target, cur.spec)
		if err == nil {
			return cur.ID, nil
		}
		if !outOfSequence(err) || n+1 >= attempts {
			return "", err
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(pol.Delay(n)):
		}
	}
}

func (b *Backend) attachOnce(ctx context.Context, serviceID, name, target string, sec swarm.Secret) error {
	res, err := b.api.ServiceInspect(ctx, serviceID, client.ServiceInspectOptions{})
	if err != nil {
		return fmt.Errorf("swarm service %q: inspect: %w", serviceID, err)
	}
	spec := res.Service.Spec
	if spec.TaskTemplate.ContainerSpec == nil {
		return fmt.Errorf("swarm service %q: not a container service", serviceID)
	}
	cs := *spec.TaskTemplate.ContainerSpec
	ref := &swarm.SecretReference{SecretID: sec.ID, SecretName: sec.Spec.Name,
		File: &swarm.SecretReferenceFileTarget{Name: target, UID: "0", GID: "0", Mode: 0o444}}
	var refs []*swarm.SecretReference
	for _, r := range cs.Secrets {
		if r.File != nil && r.File.Name == target || strings.HasPrefix(r.SecretName, name+"-v") {
			if r.SecretID == sec.ID {
				return nil // already current
			}
			if r.File != nil {
				f := *r.File
				f.Name = target
				ref.File = &f
			}
			continue
		}
		refs = append(refs, r)
	}
	cs.Secrets = append(refs, ref)
	spec.TaskTemplate.ContainerSpec = &cs
	if _, err := b.api.ServiceUpdate(ctx, serviceID, client.ServiceUpdateOptions{Version: res.Service.Version, Spec: spec}); err != nil {
		return fmt.Errorf("swarm service %q: update secret %q: %w", serviceID, name, err)
	}
	return nil
}

// outOfSequence reports the engine refusing a write made with a stale
// service version.
func outOfSequence(err error) bool {
	return err != nil && strings.Contains(err.Error(), "update out of sequence")
}
