// Package awsec2fake is an in-memory EC2 for the operations package
// scaling/awsec2 uses: a default VPC with a subnet in each of three
// availability zones, security groups with ingress permissions, and launch
// templates with versions. It answers bad input with the error codes EC2
// sends (InvalidGroup.Duplicate, InvalidPermission.Duplicate,
// DependencyViolation, InvalidUserData.Malformed, ...) as smithy API
// errors, and passes the same cases as moto in scaling/awsec2's
// TestProvisioner.
//
// Limits: one region and one account; no egress rules, IPv6 ranges, prefix
// lists or rule descriptions; no network interfaces or instances, so a
// group is only "in use" when another group's rule names it; launch
// template data keeps the image, instance type, security groups and user
// data only (user data is checked as EC2 checks it: base64, at most 16384
// bytes decoded); no pagination (every result fits one page).
package awsec2fake
