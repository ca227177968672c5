package logaudit_test

import (
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/logging/logaudit"
)

func TestAuditEndpoints(t *testing.T) {
	fs := logaudit.AuditEndpoints(
		logaudit.Endpoint{Kind: "opensearch", URL: "http://shipper:s3cret@search.internal:9200"},
		logaudit.Endpoint{Kind: "cloudwatch-logs", URL: "http://10.0.0.7:4566"},
		logaudit.Endpoint{Kind: "elasticsearch", URL: "https://search.internal:9200"},
		logaudit.Endpoint{Kind: "opensearch", URL: "http://127.0.0.1:9200"},
		logaudit.Endpoint{Kind: "cloudwatch-logs", URL: "https://logs.eu-west-1.amazonaws.com"},
		logaudit.Endpoint{Kind: "elasticsearch", URL: "search.internal:9200"},
	)
	want := []struct {
		resource string
		status   logaudit.Status
	}{
		{"opensearch http://search.internal:9200", logaudit.StatusFail},
		{"cloudwatch-logs http://10.0.0.7:4566", logaudit.StatusFail},
		{"elasticsearch https://search.internal:9200", logaudit.StatusPass},
		{"opensearch http://127.0.0.1:9200", logaudit.StatusPass},
		{"cloudwatch-logs https://logs.eu-west-1.amazonaws.com", logaudit.StatusPass},
		{"", logaudit.StatusError},
	}
	if len(fs) != len(want) {
		t.Fatalf("%d findings; want %d: %+v", len(fs), len(want), fs)
	}
	for i, w := range want {
		f := fs[i]
		if f.CheckID != "logging.endpoint.plaintext" || f.Status != w.status || (w.resource != "" && f.Resource != w.resource) {
			t.Errorf("finding %d = %s %q %s; want %q %s", i, f.CheckID, f.Resource, f.Status, w.resource, w.status)
		}
		if strings.Contains(f.Resource+f.Evidence+f.Error, "s3cret") {
			t.Errorf("finding %d carries the password: %+v", i, f)
		}
	}
}
