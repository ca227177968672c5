// Package docker reads container logs through the Docker Engine API into
// a logging pipeline (follow, stdout and stderr demultiplexed, container
// name and labels as fields), and builds and validates options for the
// awslogs logging driver (docker run, compose, swarm services) so a
// mistake is caught before a container starts.
//
// Hold a *Source from NewSource(api, Options) and run it with a
// logging.Pipeline; AWSLogs builds the driver's options, and
// ValidateOptions reports every problem of a --log-opt map as
// logging.InvalidErrors.
package docker
