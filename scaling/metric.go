package scaling

import "context"

// MetricFunc reads one metric of a group, given the state just read (so a
// per-instance average can use the in-service instances). A program that
// scales RabbitMQ workers passes a function over its queue's ready plus
// unacknowledged messages; the Swarm backend offers CPU and network ones.
type MetricFunc func(ctx context.Context, st GroupState) (float64, error)
