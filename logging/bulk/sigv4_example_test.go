package bulk_test

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
)

// Sign bulk requests for an OpenSearch Serverless collection ("aoss")
// with credentials from the SDK's default chain (config.LoadDefaultConfig),
// which the transport refreshes when they expire.
func ExampleNewSigV4Transport() {
	var cfg aws.Config // from config.LoadDefaultConfig(ctx) in a real program
	signed, err := bulk.NewSigV4Transport(bulk.SigV4{Credentials: cfg.Credentials, Region: "eu-west-1", Service: "aoss"})
	if err != nil {
		panic(err)
	}
	sink, _ := bulk.NewSink(bulk.Options{
		URL:    "https://abc123.eu-west-1.aoss.amazonaws.com",
		Client: &http.Client{Transport: signed, Timeout: time.Minute},
	})
	_, _ = sink.Write(context.Background(), []logging.Event{{Time: time.Now(), Message: []byte("hello")}})
}
