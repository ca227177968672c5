// Package bulk is a logging sink for Elasticsearch and OpenSearch through
// the _bulk API, the way Filebeat ships.
//
// Hold a *Sink from NewSink(Options); it implements logging.Sink for one
// cluster. Requests are NDJSON sized in bytes; per-item failures are
// retried only where retrying can succeed (429), with a logging.Backoff; a
// 413 is answered by splitting the request; a deterministic document _id
// (DocumentID, from the event's Origin and Offset) makes a retried batch
// overwrite instead of duplicating. Documents go to daily indices
// (logs-2006.01.02). Options.TLS verifies an https:// cluster against a CA
// bundle (a TLSConfig); a refused certificate is a *CertificateError.
// logging/logaudit flags endpoints configured over plain HTTP.
//
// For tests, logging/bulk/bulkfake is an in-process _bulk server; the sink
// passes logging/loggingtest on it in logging's TestConformance/bulk. Run
// the same suite against a real cluster with your own harness.
package bulk
