// Package logging will own shipping application, container, system (syslog,
// ossec), database and message-bus logs to CloudWatch Logs and
// Elasticsearch/OpenSearch without losing a line.
package logging
