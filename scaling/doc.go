// Package scaling will own horizontal scaling: min/max groups, a policy
// engine that scales on CPU, queue length and network IO, ALB/NLB path
// routing, and providers for AWS Auto Scaling with ELBv2 (scaling/awsasg)
// and Docker Swarm services (scaling/swarm).
package scaling
