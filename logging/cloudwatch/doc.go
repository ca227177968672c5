// Package cloudwatch connects logging to Amazon CloudWatch Logs both
// ways: a sink that obeys every PutLogEvents rule on the client side, so a
// batch is never refused as a whole for one event, and a source that
// follows log groups.
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
// Hold a *Source from NewSource(api, SourceOptions) to read log groups
// into a pipeline, for forwarding to Elasticsearch/OpenSearch: it reads
// each stream with GetLogEvents in pages, finds new streams with
// DescribeLogStreams while it runs, retries throttling with a backoff, and
// keeps a checkpoint per stream (the page token and how many of its events
// every sink acknowledged), written atomically after each acknowledged
// batch, so a restart repeats at most the batch in flight. Event.Origin
// and Offset name the stream and the event's position in it, so the bulk
// sink stores a repeated event once.
//
// The sink and the source talk to CloudWatch Logs through one narrow
// interface per operation (api.go), which *cloudwatchlogs.Client satisfies. For tests,
// logging/loggingfake enforces the same limits in memory; the sink passes
// logging/loggingtest against moto in logging's TestConformance/cloudwatch.
package cloudwatch
