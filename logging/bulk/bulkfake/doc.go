// Package bulkfake is an in-process Elasticsearch/OpenSearch server for
// testing what ships through the _bulk API (logging/bulk, or your own
// shipper), not for production.
//
// Hold a *Server from NewServer: an httptest server on a loopback port whose URL
// a bulk sink takes. It implements the _bulk API faithfully enough to test
// a shipper against: NDJSON parsing with the final-newline rule,
// index/create/update/delete actions, per-item results and errors (400 for
// a bad document or index name, 409 for create on an existing _id, 404 for
// update or delete of what does not exist), and 413 above a content-length
// limit, like http.max_content_length. Controls inject failures
// (RejectItems: per-item 429 es_rejected_execution_exception;
// FailRequests: whole-request 429 or 503) and readers return what was
// stored (Docs, Indices, Requests). The bulk sink passes logging/loggingtest
// on it, in logging's TestConformance/bulk.
//
// Limits: only the _bulk endpoint (no search, get, mappings, templates or
// index settings); documents are kept as sent, with no mapping, field type
// checks or analysis, and visible at once (no refresh interval); no shards,
// replicas or partial cluster failures; update takes a partial "doc" only
// (no scripts, upserts or retry_on_conflict); no authentication of its own
// (basic auth and API-key headers are accepted and ignored; Authenticate
// installs a check, such as a SigV4 verifier); no optimistic concurrency
// (if_seq_no, version) and no routing. With Options.TLS it serves HTTPS
// but asks for no client certificate.
package bulkfake
