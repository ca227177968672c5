package logaudit_test

import (
	"fmt"

	"github.com/opskit-dev/opskit/logging/logaudit"
)

func ExampleAuditEndpoints() {
	for _, f := range logaudit.AuditEndpoints(
		logaudit.Endpoint{Kind: "opensearch", URL: "http://search.internal:9200"},
		logaudit.Endpoint{Kind: "cloudwatch-logs", URL: "https://logs.eu-west-1.amazonaws.com"},
	) {
		fmt.Println(f.Status, f.CheckID, f.Resource, f.Evidence)
	}
	// Output:
	// fail logging.endpoint.plaintext opensearch http://search.internal:9200 http:// to search.internal
	// pass logging.endpoint.plaintext cloudwatch-logs https://logs.eu-west-1.amazonaws.com
}
