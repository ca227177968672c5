// Package databasefake is an in-memory PostgreSQL for unit tests of code
// built on package database. It is a real implementation of the
// package's interfaces, checked by database/databasetest against a real
// server; it is not for production.
//
// Cluster is a primary with streaming standbys. Cluster.Nodes gives a
// database.Node per server, so code that holds a *database.Router runs
// on the fake:
//
//	c := databasefake.NewCluster(1, nil)
//	r, err := database.NewRouter(ctx, c.Nodes(), database.RouterOptions{})
//
// Exec through a node commits on the primary (StatementWAL bytes of WAL,
// streamed to the standbys) and fails on a standby with SQLSTATE 25006,
// as on a hot standby; reads are answered by the test's Answer from the
// writes the node has replayed, so a lagging standby serves stale data.
// The test drives the cluster as an operator would: PauseReplay and
// ResumeReplay, StopReceiver and StartReceiver, Stop and Start (a stopped
// node refuses connections), Promote. Probes feeds database.Decide
// directly.
//
// Stats is a database.StatsSource that keeps PostgreSQL's counters the
// way the server does: inserts, updates and deletes make dead tuples and
// modifications; VACUUM and ANALYZE reset them; XIDs age every table
// until frozen.
//
// Limits: WAL moves only by writes (a real primary also writes checkpoint
// and other records); a standby receives and replays at once unless
// paused, stopped or its receiver is stopped; there is one timeline. No
// SQL is parsed: every Exec is a write, reads other than SELECT
// pg_is_in_recovery() are answered by the Answer the test sets (none: no
// rows), and Begin returns an error (transactions are not modelled). A
// stopped node refuses at once (a hung node, which makes callers wait,
// is not modelled). Stats assumes a fixed row width, keeps no pages
// apart from the heap and ages XIDs by one per write.
package databasefake
