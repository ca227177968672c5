// Package loggingfake is an in-memory log store that implements
// logging.Sink, for tests and local development, not for production.
//
// Hold a *Sink from NewSink. It enforces a backend's limits (CloudWatch Logs'
// PutLogEvents rules by default): it packs each Write into requests with
// logging.Pack, as the real sinks do, so events the limits forbid (too
// old, too new, empty, with no stream) are rejected with a reason and the
// rest stored as the CloudWatch sink would send them (oversized messages
// split or truncated, invalid UTF-8 replaced); it then checks every
// request independently and fails the whole Write, as PutLogEvents does,
// if one breaks a limit. Besides Write and Close it has controls for
// outage tests, Refuse (every Write fails until Refuse(nil)) and FailNext
// (the next n Writes fail), and readers for assertions: Events (one
// stream), All, Streams, Requests (requests stored) and Writes (Write
// calls, failed ones included). It passes the same logging/loggingtest
// suite as the real sinks, in logging's TestConformance/fake.
//
// Limits: no network, latency or throttling (use Refuse and FailNext);
// events are never rejected after being stored (CloudWatch's
// rejectedLogEventsInfo is modelled by the same age checks before storing);
// no log groups, retention or stream creation; stored records never
// expire; Deduplicate models the bulk sink's _id, not a CloudWatch feature.
package loggingfake
