// Package scalingfake is an in-memory scaling group, a fake clock and fake
// metric sources, for tests and local development; it is not for
// production.
//
// The Group is a real implementation of scaling.Group and
// scaling.Protector, proven by the same suite (scaling/scalingtest) that
// runs against Docker Swarm: instances are Pending for a launch time, then
// WarmingUp for a warm-up time, then InService, all measured on the Clock;
// scale-in terminates unprotected instances (those not yet in service
// first, then the newest) and they linger as Terminating for a while
// before they are gone; SetDesired outside [Min, Max] is refused as AWS
// refuses it, and desired capacity below the protected instances keeps
// them, as an Auto Scaling group does. Refuse and FailNext make the
// backend fail on purpose.
//
// Limits: no instance ever fails or is replaced by a health check; no
// availability zones, weights, warm pools or lifecycle hooks; instance
// IDs are sequential; a write never conflicts with another writer.
package scalingfake
