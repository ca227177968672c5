package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TLSFiles are the test CA and certificates services.sh makes
// (internal/testenv/scripts/tls.sh). The server certificate names
// localhost, 127.0.0.1 and ::1; the client certificate's CN is ClientCN,
// a RabbitMQ user that logs in with EXTERNAL.
type TLSFiles struct {
	Dir string
	// CAFile is the CA bundle to trust.
	CAFile string
	// ClientCertFile and ClientKeyFile are a client certificate from the CA.
	ClientCertFile, ClientKeyFile string
	// ClientCN is the client certificate's common name.
	ClientCN string
}

// TLSEnv returns the paths without checking them. OPSKIT_TLS_DIR overrides
// the directory (/var/lib/opskit/tls).
func TLSEnv() TLSFiles {
	dir := getenv("OPSKIT_TLS_DIR", "/var/lib/opskit/tls")
	return TLSFiles{
		Dir:            dir,
		CAFile:         filepath.Join(dir, "ca.crt"),
		ClientCertFile: filepath.Join(dir, "client.crt"),
		ClientKeyFile:  filepath.Join(dir, "client.key"),
		ClientCN:       "opskit-client",
	}
}

// TLS returns the files after checking they can be read; otherwise it skips
// or fails t.
func TLS(t testing.TB) TLSFiles {
	t.Helper()
	f := TLSEnv()
	for _, p := range []string{f.CAFile, f.ClientCertFile, f.ClientKeyFile} {
		if _, err := os.ReadFile(p); err != nil {
			Unavailable(t, "test CA ("+f.Dir+")", fmt.Errorf("read %s: %w", p, err))
		}
	}
	return f
}

// RabbitTLSNode is one RabbitMQ node's TLS endpoints.
type RabbitTLSNode struct {
	// AMQPSURL is the node's amqps:// URL (guest, which RabbitMQ accepts
	// from loopback).
	AMQPSURL string
	// ManagementURL is the base https:// URL of its management API.
	ManagementURL string
}

// RabbitMQTLSEnv returns the TLS endpoints of the local cluster, node by
// node, without checking them. OPSKIT_RABBITMQ_TLS_URLS and
// OPSKIT_RABBITMQ_MGMT_TLS_URLS override them.
func RabbitMQTLSEnv() []RabbitTLSNode {
	amqps := strings.Split(getenv("OPSKIT_RABBITMQ_TLS_URLS",
		"amqps://guest:guest@127.0.0.1:5671/,amqps://guest:guest@127.0.0.1:5675/,amqps://guest:guest@127.0.0.1:5676/"), ",")
	mgmt := strings.Split(getenv("OPSKIT_RABBITMQ_MGMT_TLS_URLS",
		"https://127.0.0.1:15671,https://127.0.0.1:15675,https://127.0.0.1:15676"), ",")
	nodes := make([]RabbitTLSNode, len(amqps))
	for i := range amqps {
		nodes[i].AMQPSURL = amqps[i]
		if i < len(mgmt) {
			nodes[i].ManagementURL = mgmt[i]
		}
	}
	return nodes
}
