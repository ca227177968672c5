// Package awsasgfake is an in-memory EC2 Auto Scaling service for tests:
// it implements the operations package scaling/awsasg uses
// (DescribeAutoScalingGroups with names, MaxRecords and NextToken,
// SetDesiredCapacity, SetInstanceProtection) plus CreateAutoScalingGroup
// and DeleteAutoScalingGroup, and answers bad input with the errors AWS
// sends (a smithy ValidationError, AlreadyExistsFault). It passes the same
// conformance suite as moto: TestConformance/fake in scaling/awsasg.
//
// Instances are Pending for Launch, then InService, measured on a
// scaling.Clock; scale-in terminates unprotected instances (pending ones
// first, then the newest), which stay Terminating for Linger; a group
// with more live instances than desired, once some are unprotected,
// terminates the surplus as AWS does. Calls counts every call by
// operation.
//
// Provisioning adds what a group kept as code needs (launch template,
// subnets, health check, attached target groups, scaling policies, stored
// as given), and Alarms the CloudWatch alarms of step policies.
//
// Limits: launch templates, subnets and health checks are stored, not
// checked or acted on; scaling policies never run; no availability zones,
// lifecycle hooks, warm pools, weights or standby; instance IDs are
// sequential; no cooldowns.
package awsasgfake
