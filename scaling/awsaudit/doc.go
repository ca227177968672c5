// Package awsaudit audits scaled groups and their load balancers on AWS
// and returns findings in opskit's shared model (check IDs, severity,
// remediation; writers, waivers and exit code as methods of Report).
//
// Audit reads every Auto Scaling group, load balancer and target group
// the clients can see and runs the checks Checks lists: a group in a
// single availability zone, a group whose minimum equals its maximum with
// policies attached, a group behind a load balancer without ELB health
// checks, an HTTP listener that does not redirect to HTTPS, an
// internet-facing load balancer whose security group allows all ports, a
// target group with no healthy target, and an internet-facing ALB without
// a web ACL that blocks SQL injection. Each check is proven on moto both
// ways (TestAuditBothWays).
package awsaudit
