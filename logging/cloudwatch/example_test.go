package cloudwatch_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/file"
)

// Ship syslog to CloudWatch Logs, creating the group with a 30-day
// retention and truncating events above 256 KiB like the CloudWatch agent.
func ExampleNewSink() {
	ctx := context.Background()
	var cfg aws.Config // from config.LoadDefaultConfig(ctx) in a real program
	sink, err := cloudwatch.NewSink(cwl.NewFromConfig(cfg), cloudwatch.Options{
		Group: "/hosts/syslog", Stream: "web-1", RetentionDays: 30, Oversize: logging.Truncate,
	})
	if err != nil {
		panic(err)
	}
	src, _ := file.NewSource(file.Syslog())
	p, _ := logging.NewPipeline(logging.Options{}, sink)
	defer p.Close(ctx)
	_ = p.Run(ctx, src)
}
