// Package cwagent writes an Amazon CloudWatch agent configuration from
// the same file-source settings logging/file runs on, so one declaration
// drives either opskit's shipper or the agent a team already runs.
//
// Render takes a Config (each File pairs a file.Options with its log group
// and stream) and returns the agent's JSON: logs.logs_collected.files.
// collect_list entries with file_path, log_group_name, log_stream_name,
// timestamp_format and timezone (from file.Timestamp's Go layout,
// converted to the agent's strftime-like directives), multi_line_start_
// pattern (from file.Multiline.Start: both are Go regular expressions) and
// retention_in_days. Validate checks a configuration against the facts of
// the agent's published JSON schema (translator/config/schema.json of
// amazon-cloudwatch-agent) for the logs section: the allowed keys, types,
// lengths and enumerations; Render validates what it writes.
//
// What the agent cannot express is refused with an *logging.InvalidError
// rather than written wrong: a layout with no agent directive (RFC 3339's
// "Z07:00", day of year), a time zone other than UTC or local. Settings
// that only opskit's shipper has (fingerprints, rotation waits, Fields,
// multiline timeouts) are not written.
package cwagent
