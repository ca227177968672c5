// Package awsec2 provisions the EC2 resources a scaled group stands on, as
// code: the network it goes in (a VPC, "default" for the account's default
// one, and its subnets), security groups with their ingress rules (from CIDR
// blocks or from other groups of the same set, by name), and launch
// templates (image, instance type, groups and user data, such as the
// #cloud-config that gives new instances a team's SSH keys at first boot).
//
// A Provisioner plans (every change as a readable line) and applies
// idempotently: all specs are validated before any call, and applying
// unchanged specs makes no call that changes anything. Delete removes what
// the specs name, revoking rules that reference other groups first so
// groups that reference each other can go.
//
// It talks to EC2 through narrow per-operation interfaces (API), which
// *ec2.Client satisfies; package awsec2fake implements them in memory.
// TestProvisioner runs the same cases on the fake and on moto.
package awsec2
