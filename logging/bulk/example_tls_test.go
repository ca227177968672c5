package bulk_test

import (
	"context"
	"errors"
	"log"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
)

// Shipping to a cluster over verified TLS: its certificate must chain to
// the CA bundle and name the host; a refused one says which and why.
func ExampleNewSink_tls() {
	sink, err := bulk.NewSink(bulk.Options{
		URL:      "https://search.internal:9200",
		TLS:      &bulk.TLSConfig{CAFile: "/etc/opskit/tls/search-ca.pem"},
		Username: "shipper", Password: "from-a-secret-store",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sink.Close(context.Background())
	_, err = sink.Write(context.Background(), []logging.Event{{Time: time.Now(), Message: []byte("deploy finished")}})
	var ce *bulk.CertificateError
	if errors.As(err, &ce) {
		log.Fatalf("%s presented %s: %s", ce.Endpoint, ce.Subject, ce.Reason)
	}
}
