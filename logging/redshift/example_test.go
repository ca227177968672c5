package redshift_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	rs "github.com/aws/aws-sdk-go-v2/service/redshift"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/redshift"
	"github.com/opskit-dev/opskit/logging/tcp"
)

// Turn on a cluster's audit logs in CloudWatch and forward them.
func ExampleEnableCloudWatch() {
	ctx := context.Background()
	var cfg aws.Config // from config.LoadDefaultConfig(ctx) in a real program
	if err := redshift.EnableCloudWatch(ctx, rs.NewFromConfig(cfg), "analytics"); err != nil {
		panic(err)
	}
	follow, _ := redshift.Follow("analytics")
	src, _ := cloudwatch.NewSource(cwl.NewFromConfig(cfg), cloudwatch.SourceOptions{Follow: follow,
		Checkpoint: "/var/lib/forwarder/redshift.json"})
	sink, _ := tcp.NewSink(tcp.Options{Addr: "siem.internal:5140", Framing: tcp.JSON})
	p, _ := logging.NewPipeline(logging.Options{}, sink)
	defer p.Close(ctx)
	_ = p.Run(ctx, src)
}
