package cloudwatch_test

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
)

// Forward what containers' awslogs driver wrote to CloudWatch on to an
// Amazon OpenSearch Service domain, with requests signed by SigV4.
func ExampleNewSource() {
	ctx := context.Background()
	var cfg aws.Config // from config.LoadDefaultConfig(ctx) in a real program
	src, err := cloudwatch.NewSource(cwl.NewFromConfig(cfg), cloudwatch.SourceOptions{
		Follow:     []cloudwatch.Follow{{Group: "/ecs/web", StreamPrefix: "web/"}},
		Checkpoint: "/var/lib/forwarder/cloudwatch.json",
	})
	if err != nil {
		panic(err)
	}
	signed, _ := bulk.NewSigV4Transport(bulk.SigV4{Credentials: cfg.Credentials, Region: cfg.Region, Service: "es"})
	sink, _ := bulk.NewSink(bulk.Options{URL: "https://search-logs.eu-west-1.es.amazonaws.com",
		IndexPrefix: "web", Client: &http.Client{Transport: signed}})
	p, _ := logging.NewPipeline(logging.Options{}, sink)
	defer p.Close(ctx)
	_ = p.Run(ctx, src)
}
