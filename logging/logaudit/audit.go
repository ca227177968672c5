package logaudit

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/opskit-dev/opskit/internal/audit"
)

// Endpoint is one place logs are shipped to.
type Endpoint struct {
	// Kind says what it is, for the finding's resource: "elasticsearch",
	// "opensearch", "cloudwatch-logs".
	Kind string
	// URL is the endpoint as configured. A password in it is never
	// repeated in a finding.
	URL string
}

// PlaintextCheck is the check behind AuditEndpoints.
var PlaintextCheck = Check{
	ID:       "logging.endpoint.plaintext",
	Title:    "Logs are shipped over plain HTTP",
	Severity: audit.SeverityHigh,
	Description: "An Elasticsearch, OpenSearch or CloudWatch Logs endpoint reached over http:// carries every log line " +
		"and the shipper's credentials (basic auth, API keys, SigV4 headers) in the clear. Plain HTTP is acceptable " +
		"to a loopback address only (a local proxy that adds TLS).",
	Remediation: Remediation{Text: "Use the https:// endpoint and verify its certificate (bulk.Options.TLS with the " +
		"cluster's CA bundle; the AWS SDK's default endpoints are already https)."},
	References: []string{"https://docs.aws.amazon.com/opensearch-service/latest/developerguide/infrastructure-security.html"},
	Tags:       []string{"tls", "logging"},
}

// AuditEndpoints returns one finding per endpoint: a failure for http:// to
// anything but a loopback address, a pass for https:// (and for http:// to
// loopback, with evidence saying so), an error for a URL it cannot read.
func AuditEndpoints(endpoints ...Endpoint) []Finding {
	out := make([]Finding, 0, len(endpoints))
	for _, e := range endpoints {
		u, err := url.Parse(e.URL)
		if err != nil || u.Host == "" {
			out = append(out, PlaintextCheck.Errored(e.Kind+" (unparsable URL)", fmt.Errorf("logaudit: %s endpoint is not a URL with a host", e.Kind)))
			continue
		}
		u.User = nil
		resource := strings.TrimSpace(e.Kind + " " + u.Scheme + "://" + u.Host)
		switch strings.ToLower(u.Scheme) {
		case "https":
			out = append(out, PlaintextCheck.Pass(resource))
		case "http":
			if loopback(u.Hostname()) {
				f := PlaintextCheck.Pass(resource)
				f.Evidence = "plain HTTP to a loopback address"
				out = append(out, f)
				continue
			}
			out = append(out, PlaintextCheck.Fail(resource, "http:// to "+u.Hostname()))
		default:
			out = append(out, PlaintextCheck.Errored(resource, fmt.Errorf("logaudit: %s endpoint: scheme %q is neither http nor https", e.Kind, u.Scheme)))
		}
	}
	return out
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
