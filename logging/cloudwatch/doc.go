// Package cloudwatch is a logging sink for Amazon CloudWatch Logs that
// obeys every PutLogEvents rule on the client side, so a batch is never
// refused as a whole for one event.
//
// Hold a *Sink from NewSink(api, Options); it implements logging.Sink for one
// log group. Requests stay within PutLogEvents' limits: at most 1,048,576
// bytes counting 26 bytes per event, at most 10,000 events, chronological
// order, at most 24 hours per request. Events more than 14 days old or 2
// hours in the future are rejected with a reason; events above the size
// limit (256 KiB by default, up to AWS's current 1 MB: see
// logging.CloudWatchLimits) are split or truncated. Events PutLogEvents
// would refuse the whole request for are rejected one by one instead: an
// empty message (logging.ReasonEmpty; a blank log line is skipped and
// counted, never sent) and an event with no stream when Options.Stream is
// unset (logging.ReasonInvalid). Invalid UTF-8 is sent as U+FFFD. Log
// groups and streams are created on demand with a retention policy;
// throttling is retried with a logging.Backoff; requests run in parallel.
// ReadStream reads a stream back (RDS exports, awslogs container logs).
//
// The sink talks to CloudWatch Logs through one narrow interface per
// operation (api.go), which *cloudwatchlogs.Client satisfies. For tests,
// logging/loggingfake enforces the same limits in memory; the sink passes
// logging/loggingtest against moto in logging's TestConformance/cloudwatch.
package cloudwatch
