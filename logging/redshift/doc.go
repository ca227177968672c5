// Package redshift turns on Amazon Redshift audit logging to CloudWatch
// Logs and names the log groups, so logging/cloudwatch's Source reads the
// connection, user and user-activity logs like any other group.
//
// EnableCloudWatch calls EnableLogging with LogDestinationType cloudwatch
// and the chosen LogExports, then checks with DescribeLoggingStatus that
// Redshift took them; Follow gives the cloudwatch.Follow entries for
// /aws/redshift/cluster/<cluster>/<log>. The calls go through one narrow
// interface per operation (api.go), which *redshift.Client satisfies.
// TestRedshiftLogs runs it on moto, which records the logging settings
// but writes no log events: the test writes them into the groups itself.
package redshift
