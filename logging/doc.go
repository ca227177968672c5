// Package logging ships application, container, system (syslog, ossec),
// database and message-bus logs to CloudWatch Logs and
// Elasticsearch/OpenSearch without losing a line.
//
// A [Pipeline] moves [Event] values from sources (files, containers, RDS,
// RabbitMQ, the [Handler] for log/slog) through a bounded buffer to one or
// more [Sink] implementations. Delivery is at least once: a source's
// checkpoint ([Acker]) advances only after every sink acknowledged the batch
// holding the event. Sinks live in subpackages (logging/cloudwatch,
// logging/bulk, logging/tcp, logging/loggingfake); sources too (logging/file,
// logging/docker, logging/rdslogs, logging/rabbitmq). The public conformance
// suite in logging/loggingtest proves every sink, the in-memory fake
// included, against the same contract.
package logging
