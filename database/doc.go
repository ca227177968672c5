// Package database keeps PostgreSQL fast, replicated, locked down and
// recoverable, on top of github.com/jackc/pgx/v5.
//
// The type to hold is *Router (DialRouter from DSNs, or NewRouter over
// any Nodes): it sends writes to the primary and reads to healthy
// replicas whose lag behind the primary, in WAL bytes and in time (from
// the router's history of the primary's WAL position), is within bounds
// (round robin or least lag); a replica's lease ends before its reads
// could be staler than MaxLagTime. A read that fails, outlives
// ReadAttemptTimeout or runs on a node marked down is retried once
// elsewhere, and ReadServed says which node served it; Session gives
// read-your-writes by waiting for a replica to replay past the write's
// WAL insert position; SQLSTATE 25006 or a promoted replica makes it
// rediscover the primary; host names are re-resolved so an RDS failover
// is followed. Decide is its routing rule as a pure function.
//
// Everything else takes a Querier (*pgxpool.Pool, *pgx.Conn or pgx.Tx):
//   - Audit runs hardening checks (pg_hba rules, TLS, password hashing,
//     logging, roles, schema public, file modes, archiving) and returns the
//     shared finding model; AuditSnapshot runs them on a Snapshot. On
//     Amazon RDS (detected, or AuditOptions.Mode AuditRDS) the same checks
//     judge the instance's parameter group (rds.InstanceParameters) and
//     rds_superuser holders, and are n/a, with the reason, for what RDS
//     manages itself.
//   - RolePlan renders a least-privilege layout as reviewable SQL, applies
//     it in one transaction and reports drift.
//   - Backup writes pg_dump -Fc through any io.Writer with a checksum
//     manifest; RestoreDrill proves it restores into a scratch database.
//   - Advise computes autovacuum trigger points, bloat and XID age per
//     table from a StatsSource (PGStats); RunVacuum vacuums the most
//     urgent within a time budget over a ConnPool (Pool).
//   - TopStatements and SlowQuerySettings report query performance.
//
// RouterOptions.TLS (and ApplyTLS for pools of your own) connect with
// verify-full semantics from a TLSConfig; a refused certificate is a
// *CertificateError naming the node. Subpackage rdsauth supplies RDS IAM
// tokens in the pools' connect hooks.
//
// Bad input is an *InvalidError (errors.Is ErrInvalid), reported before
// anything is changed, and never quotes a DSN.
//
// The fake is databasefake (a replicated cluster whose Nodes a Router
// runs over, and a statistics source); database/databasetest is the
// conformance suite for Nodes and StatsSources, run on the fake and on a
// real primary with a standby. Subpackage rds provisions and audits
// Amazon RDS, with its fake rds/rdsfake and its suite rds/rdstest.
package database
