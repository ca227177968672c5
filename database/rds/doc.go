// Package rds provisions and audits PostgreSQL on Amazon RDS: an instance
// from a declarative spec (Multi-AZ, gp3/io1/io2 storage with IOPS checked
// against AWS's rules, encryption, backups, deletion protection, IAM
// authentication, CloudWatch log exports, Enhanced Monitoring, a port, a
// parameter group carrying the hardening settings), read replicas (also
// cross-region and cascading), waiting until available, and Prowler's RDS
// checks as findings, which an instance provisioned from a spec can all
// pass. InstanceParameters hands an instance's parameter group to the
// database audit's RDS mode.
//
// The type to hold is *Provisioner (NewProvisioner): Plan compares a spec
// with the live instance and parameter group, Apply converges them and
// reports what it cannot change in place. Audit returns the shared
// finding model. Bad input is an *InvalidError (errors.Is ErrInvalid)
// naming the spec field, reported before any call to RDS; what RDS
// refuses comes back as the SDK's own error types.
//
// It talks to RDS through API, narrow per-operation interfaces that
// *rds.Client satisfies; rdsfake implements them in memory, and rdstest is
// the conformance suite both pass (and moto, in this repository's tests).
package rds
