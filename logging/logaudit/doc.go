// Package logaudit checks where logs are shipped: an Elasticsearch,
// OpenSearch or CloudWatch Logs endpoint configured over plain HTTP sends
// every log line, and the credentials that go with it, in the clear.
//
// Pass the endpoints your shippers are configured with (bulk.Options.URL,
// the BaseEndpoint of the CloudWatch Logs client) to [AuditEndpoints]; it
// returns one finding per endpoint in the shared finding model, whose
// Report writes tables, JSON, SARIF and JUnit. It lives apart from the
// logging root so that root keeps depending on the standard library alone.
package logaudit
