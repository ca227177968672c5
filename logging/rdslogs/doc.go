// Package rdslogs reads Amazon RDS database logs (PostgreSQL and others)
// into a logging pipeline with DescribeDBLogFiles and
// DownloadDBLogFilePortion, paging with the returned Marker until
// AdditionalDataPending is false, and enables CloudWatch Logs exports,
// which AWS recommends for continuous reading (downloading uses the
// instance's resources). Exported logs land in the log group
// ExportedLogGroup(instance, logType); read them with
// logging/cloudwatch.ReadStream.
//
// Hold a *Source from NewSource(api, Options) and run it with a
// logging.Pipeline; ListFiles, EnableExports and ExportedLogGroup work
// without one.
package rdslogs
