// Package swarm scales Docker Swarm services with package scaling: a
// replicated service is a scaling.Group, read and written through the
// Docker Engine API.
//
// A *Service reads the service's replicas and its tasks (new to
// preparing: pending; starting, and running for less than WarmUp:
// warming up; running: in service; running with a desired state of
// shutdown: terminating) and writes the replica count with the service
// version it read. On a version conflict it reads again and retries,
// changing nothing but the replica count, so a concurrent change by
// someone else (an image update, a label) is never reverted. Min and Max
// come from ServiceOptions or, for existing Swarm users who opt in per
// service, from the labels opskit.scaling.min and opskit.scaling.max
// (SpecFromLabels reads a policy from labels too). CPU and NetworkIO are
// metric sources over the engine's per-container statistics, averaged
// over the service's running tasks. Swarm cannot protect a task from
// scale-in, so *Service does not implement scaling.Protector.
//
// The backend passes the scaling/scalingtest suite against a real
// one-node swarm, as TestConformance/swarm in package scaling.
package swarm
