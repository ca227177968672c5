// Package database will own PostgreSQL kept fast, replicated, locked down and
// recoverable: RDS provisioning (IOPS, SSD storage, Multi-AZ, read replicas
// across regions), a vacuum advisor and runner, a replica-aware router that
// honours DNS TTLs, hardening audits, least-privilege role plans, and logical
// backups with a tested restore drill.
package database
