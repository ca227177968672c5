// Package awsasg scales EC2 Auto Scaling groups with package scaling: a
// group is a scaling.Group and scaling.Protector, read with
// DescribeAutoScalingGroups and written with SetDesiredCapacity and
// SetInstanceProtection.
//
// A *Group reports the group's bounds, desired capacity and instances by
// lifecycle state (Pending*: pending; InService: in service, or warming
// up for the group's DefaultInstanceWarmup after it was first seen in
// service; Terminating*, Detaching, Quarantined: terminating; standby,
// detached and warm-pool instances are not capacity) with their scale-in
// protection. SetDesired checks the bounds before any call and changes
// only the capacity, so a concurrent change to anything else is never
// reverted. A Fleet hands out groups that share one batched read:
// 100 names to a call, pages followed, so a Controller round over 200
// groups costs two reads. Metrics reads the groups' CloudWatch metrics
// for the engine (CPU, network in and out, any metric) the same way: all
// of them in one GetMetricData call (500 to a call) per round.
//
// # Groups and policies as code
//
// A GroupSpec is a group as code: launch template, Min <= Desired <= Max,
// subnets across availability zones, health check type and grace period,
// default instance warm-up, target groups to attach, and policies made of
// the engine's own types (TargetTracking on ASGAverageCPUUtilization,
// ASGAverageNetworkIn/Out or ALBRequestCountPerTarget with its resource
// label; StepScaling with its CloudWatch alarm; Backlog as metric math,
// queue depth over GroupInServiceInstances, whose collection it enables).
// GroupSpec.Run says who runs them: AWS, as native policies, or an opskit
// scaling.Controller (ControllerSpec), in which case the group carries no
// native policy.
// Validate refuses, before any call, what AWS would refuse or what does
// not work: bounds, durations, step gaps and overlaps, target tracking on
// a metric that is not proportional to capacity, and engine features AWS
// lacks (dead bands, headroom, activation). A Provisioner plans (a
// readable Plan per group) and applies idempotently: all specs are
// validated and planned before the first change, and applying an
// unchanged spec changes nothing. It owns only policies and alarms named
// with PolicyPrefix.
//
// Where moto differs from AWS the code copes and says so: moto lacks
// AttachTrafficSources (AttachLoadBalancerTargetGroups is used), does not
// report DefaultInstanceWarmup (not compared when absent), answers
// PutScalingPolicy without the policy ARN (read back with
// DescribePolicies), and cannot decode the CBOR protocol of CloudWatch
// clients from v1.53 on.
//
// It talks to Auto Scaling through narrow per-operation interfaces (API),
// which *autoscaling.Client satisfies; package awsasgfake implements them
// in memory. Both pass the scaling/scalingtest suite, as
// TestConformance/fake and TestConformance/asg (on moto).
package awsasg
