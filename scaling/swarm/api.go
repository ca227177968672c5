package swarm

import (
	"context"

	"github.com/moby/moby/client"
)

// ServiceInspector reads a service (GET /services/{id}).
type ServiceInspector interface {
	ServiceInspect(ctx context.Context, serviceID string, options client.ServiceInspectOptions) (client.ServiceInspectResult, error)
}

// ServiceUpdater writes a service with its version (POST /services/{id}/update).
type ServiceUpdater interface {
	ServiceUpdate(ctx context.Context, serviceID string, options client.ServiceUpdateOptions) (client.ServiceUpdateResult, error)
}

// TaskLister lists tasks (GET /tasks).
type TaskLister interface {
	TaskList(ctx context.Context, options client.TaskListOptions) (client.TaskListResult, error)
}

// StatsReader reads a container's statistics (GET /containers/{id}/stats).
type StatsReader interface {
	ContainerStats(ctx context.Context, containerID string, options client.ContainerStatsOptions) (client.ContainerStatsResult, error)
}

// API is what a Service needs of the Docker Engine API.
type API interface {
	ServiceInspector
	ServiceUpdater
	TaskLister
}

var (
	_ API         = (*client.Client)(nil)
	_ StatsReader = (*client.Client)(nil)
)
