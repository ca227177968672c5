// Package examples holds the example programs that compose opskit's
// packages into complete tools. Each is its own main package, runs in
// seconds on a demo world made of the packages' fakes with no flags, and
// against real infrastructure with flags:
//
//   - provision: plan, apply and destroy a service's infrastructure from
//     one YAML file: security groups, a load balancer in front of an Auto
//     Scaling group, PostgreSQL on RDS with a read replica and its password
//     in Secrets Manager, the RabbitMQ topology, and Swarm services with
//     their secrets.
//   - harden: one audit report across PostgreSQL (or RDS), the Docker
//     daemon, containers and images, SSH hosts, security groups and load
//     balancers, Dockerfiles and compose files, and TLS endpoints, as a
//     table, JSON, SARIF, JUnit or a self-contained HTML page.
//   - access: plan, grant, revoke, reconcile and audit SSH access over an
//     inventory of hosts from a team file kept as code; cert issues
//     short-lived SSH certificates and krl writes the revocation list.
//   - autoscale: the scaling controller for Swarm services and Auto Scaling
//     groups on CPU and RabbitMQ backlog, printing each decision and why.
//   - logship: a log-shipping agent from a config file, with checkpoints,
//     that drains on SIGTERM and prints throughput and lag.
//
// They share examples/internal/cli: exit codes (0 ok, 1 findings at or
// above --fail-on, 2 usage or configuration errors naming field and line,
// 3 some hosts or resources failed), SIGINT/SIGTERM handling, progress bars
// on a terminal, and --json logs. Each has an end-to-end test
// (TestProvisionE2E, TestHardenE2E and TestHardenHTML, TestAccessE2E, TestAutoscaleE2E, TestLogshipE2E) that
// builds it and runs it as a process.
package examples
