// Package logging ships application, container, system (syslog, ossec),
// database and message-bus logs to CloudWatch Logs and
// Elasticsearch/OpenSearch without losing a line.
//
// Hold a [Pipeline] from [NewPipeline]: it moves [Event] values from sources
// through a bounded buffer to one or more [Sink] backends, at least once:
// a source's checkpoint ([Acker]) advances only after every sink
// acknowledged the batch holding the event. [NewHandler] gives a log/slog
// [Handler] that writes through a pipeline. Failed writes are retried with
// a [Backoff]; bad input is an [*InvalidError] matching [ErrInvalid],
// reported before anything starts.
//
// Backends live in subpackages, each with its own client library, so this
// package needs nothing outside the standard library but opskit's own
// internal backoff: sinks in logging/cloudwatch, logging/bulk
// (Elasticsearch/OpenSearch _bulk, SigV4-signed for Amazon OpenSearch) and
// logging/tcp; sources in logging/file, logging/journald, logging/docker,
// logging/rdslogs, logging/rabbitmq and logging/cloudwatch (log groups,
// such as Redshift's audit logs from logging/redshift). logging/cwagent
// writes a CloudWatch agent configuration from file-source settings.
//
// The fakes are logging/loggingfake, an in-memory sink with a backend's
// limits, and logging/bulk/bulkfake, an in-process _bulk server. The
// conformance suite logging/loggingtest checks a Sink against every rule
// the [Sink] doc lists; opskit runs it on the fake and on every sink.
package logging
