// Package swarm is the Docker Swarm backend of package secrets. Swarm
// secrets are immutable, so version N of secret NAME is the swarm secret
// NAME-vN, labelled with its name, number and stages; moving a stage
// rewrites labels (the only part of a swarm secret that can change), and a
// version left with no stage is removed when no service uses it.
//
// The Engine API never returns a secret's data, so Get returns
// secrets.ErrUnsupported: a service reads its secret from the file swarm
// mounts (secrets/filestore over /run/secrets). Rotation reaches a
// service through Attach, which points the service's reference at the
// current version while keeping the mount path, with the service version
// and retries on conflict.
//
// It talks to the engine through narrow interfaces, which
// *client.Client satisfies; secrets/secretstest (write-only cases) is the
// suite it passes on the real swarm.
package swarm

import (
	"context"

	"github.com/moby/moby/client"
)

// The Engine API operations used, one interface each.
type (
	// SecretCreator creates secrets (POST /secrets/create).
	SecretCreator interface {
		SecretCreate(ctx context.Context, options client.SecretCreateOptions) (client.SecretCreateResult, error)
	}
	// SecretLister lists secrets (GET /secrets).
	SecretLister interface {
		SecretList(ctx context.Context, options client.SecretListOptions) (client.SecretListResult, error)
	}
	// SecretUpdater rewrites labels (POST /secrets/{id}/update).
	SecretUpdater interface {
		SecretUpdate(ctx context.Context, id string, options client.SecretUpdateOptions) (client.SecretUpdateResult, error)
	}
	// SecretRemover removes secrets (DELETE /secrets/{id}).
	SecretRemover interface {
		SecretRemove(ctx context.Context, id string, options client.SecretRemoveOptions) (client.SecretRemoveResult, error)
	}
	// ServiceInspector reads a service (GET /services/{id}).
	ServiceInspector interface {
		ServiceInspect(ctx context.Context, serviceID string, options client.ServiceInspectOptions) (client.ServiceInspectResult, error)
	}
	// ServiceUpdater writes a service with its version.
	ServiceUpdater interface {
		ServiceUpdate(ctx context.Context, serviceID string, options client.ServiceUpdateOptions) (client.ServiceUpdateResult, error)
	}
)

// API is every operation the backend uses; *client.Client satisfies it.
type API interface {
	SecretCreator
	SecretLister
	SecretUpdater
	SecretRemover
	ServiceInspector
	ServiceUpdater
}

var _ API = (*client.Client)(nil)
