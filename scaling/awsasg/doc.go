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
// groups costs two reads.
//
// It talks to Auto Scaling through narrow per-operation interfaces (API),
// which *autoscaling.Client satisfies; package awsasgfake implements them
// in memory. Both pass the scaling/scalingtest suite, as
// TestConformance/fake and TestConformance/asg (on moto).
package awsasg
