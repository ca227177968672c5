package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/client"

	opsswarm "github.com/opskit-dev/opskit/scaling/swarm"
	"github.com/opskit-dev/opskit/secrets"
	swarmsecrets "github.com/opskit-dev/opskit/secrets/swarm"
)

// swarmAPI is what the swarm step needs of the Docker Engine API.
type swarmAPI interface {
	opsswarm.ProvisionAPI
	swarmsecrets.API
}

// swarmStep is the Swarm secrets (secrets/swarm: versioned, mounted at
// /run/secrets/NAME) and the services that use them (scaling/swarm).
type swarmStep struct {
	w       *world
	api     swarmAPI
	prov    *opsswarm.Provisioner
	backend *swarmsecrets.Backend
	store   *secrets.Store
}

func newSwarmStep(w *world, api swarmAPI) *swarmStep {
	b := swarmsecrets.New(api)
	return &swarmStep{w: w, api: api, prov: opsswarm.NewProvisioner(api), backend: b, store: secrets.New(b, secrets.Options{})}
}

func (s *swarmStep) Name() string { return "swarm" }

func (s *swarmStep) specs() []opsswarm.ServiceSpec {
	var out []opsswarm.ServiceSpec
	for _, c := range s.w.cfg.Swarm.Services {
		out = append(out, opsswarm.ServiceSpec{Name: c.Name, Image: c.Image, Args: c.Args, Env: c.Env, Replicas: c.Replicas,
			Labels: map[string]string{"opskit.provision": s.w.cfg.Service}})
	}
	return out
}

// missingSecrets lists the swarm secrets that do not exist yet.
func (s *swarmStep) missingSecrets(ctx context.Context) ([]swarmSecretConfig, error) {
	var out []swarmSecretConfig
	for _, c := range s.w.cfg.Swarm.Secrets {
		_, err := s.store.Versions(ctx, c.Name)
		if errors.Is(err, secrets.ErrNotFound) {
			out = append(out, c)
		} else if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// unattached lists "service secret" pairs whose reference is missing from
// a live service (all of them for a service not made yet).
func (s *swarmStep) unattached(ctx context.Context) ([][2]string, error) {
	var out [][2]string
	for _, c := range s.w.cfg.Swarm.Services {
		res, err := s.api.ServiceInspect(ctx, c.Name, client.ServiceInspectOptions{})
		var refs []string
		if err == nil && res.Service.Spec.TaskTemplate.ContainerSpec != nil {
			for _, r := range res.Service.Spec.TaskTemplate.ContainerSpec.Secrets {
				refs = append(refs, r.SecretName)
			}
		}
		for _, name := range c.Secrets {
			found := false
			for _, r := range refs {
				found = found || strings.HasPrefix(r, name+"-v")
			}
			if !found {
				out = append(out, [2]string{c.Name, name})
			}
		}
	}
	return out, nil
}

func secretSource(c swarmSecretConfig) string {
	if c.From == "database" {
		return "the database password"
	}
	return "a generated password"
}

func (s *swarmStep) Plan(ctx context.Context) ([]string, error) {
	missing, err := s.missingSecrets(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range missing {
		out = append(out, fmt.Sprintf("create secret %s: %s (never printed)", c.Name, secretSource(c)))
	}
	changes, err := s.prov.Plan(ctx, s.specs()...)
	if err != nil {
		return out, err
	}
	out = append(out, lines(changes)...)
	refs, err := s.unattached(ctx)
	for _, r := range refs {
		out = append(out, fmt.Sprintf("attach secret %s to service %s at /run/secrets/%s", r[1], r[0], r[1]))
	}
	return out, err
}

func (s *swarmStep) Apply(ctx context.Context) ([]string, error) {
	missing, err := s.missingSecrets(ctx)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, c := range missing {
		v := s.w.dbPassword
		if c.From != "database" {
			if v, err = secrets.NewPassword(passwordLength); err != nil {
				return done, err
			}
		} else if v.IsZero() {
			return done, fmt.Errorf("secret %s: no database password: the password step did not run", c.Name)
		}
		ver, err := s.store.Put(ctx, c.Name, v, secrets.PutOptions{})
		if err != nil {
			return done, err
		}
		done = append(done, fmt.Sprintf("create secret %s: %s, version %s", c.Name, secretSource(c), ver.ID))
	}
	changes, err := s.prov.Apply(ctx, s.specs()...)
	done = append(done, lines(changes)...)
	if err != nil {
		return done, err
	}
	refs, err := s.unattached(ctx)
	if err != nil {
		return done, err
	}
	for _, r := range refs {
		if _, err := s.backend.Attach(ctx, r[0], r[1], swarmsecrets.AttachOptions{}); err != nil {
			return done, err
		}
		done = append(done, fmt.Sprintf("attach secret %s to service %s at /run/secrets/%s", r[1], r[0], r[1]))
	}
	return done, nil
}

func (s *swarmStep) Destroy(ctx context.Context) ([]string, error) {
	var names []string
	for _, c := range s.w.cfg.Swarm.Services {
		names = append(names, c.Name)
	}
	removed, err := s.prov.Delete(ctx, names...)
	done := lines(removed)
	if err != nil {
		return done, err
	}
	for _, c := range s.w.cfg.Swarm.Secrets {
		if _, err := s.store.Versions(ctx, c.Name); errors.Is(err, secrets.ErrNotFound) {
			continue
		} else if err != nil {
			return done, err
		}
		if err := s.store.Delete(ctx, c.Name, secrets.DeleteOptions{}); err != nil {
			return done, err
		}
		done = append(done, "remove secret "+c.Name+" (every version)")
	}
	return done, nil
}
