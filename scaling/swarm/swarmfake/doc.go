// Package swarmfake is an in-memory Docker Swarm manager for the Engine API
// operations opskit uses on services and secrets: services created,
// inspected (by ID or name), updated with the version read (a stale version
// is refused as "update out of sequence", as the engine does) and removed;
// secrets created (names unique), listed by label and name filters, their
// labels updated and removed (refused while a service uses them). It
// satisfies scaling/swarm.ProvisionAPI and secrets/swarm.API, and passes
// the same cases as the real swarm in scaling/swarm's TestProvisioner.
//
// Limits: no tasks, nodes, networks or configs; no images (any reference
// is accepted); secret data is kept but never returned, as by the engine;
// no ID prefixes; errors carry the containerd errdefs classes
// (cerrdefs.IsNotFound, IsConflict, IsInvalidArgument) with the engine's
// messages, not its HTTP responses.
package swarmfake
