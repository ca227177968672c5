package rdslogs_test

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/rdslogs"
)

// Download an RDS PostgreSQL instance's logs portion by portion, resuming
// from the markers of the previous run.
func ExampleNewSource() {
	var cfg aws.Config // from config.LoadDefaultConfig
	api := rds.NewFromConfig(cfg)
	src, err := rdslogs.NewSource(api, rdslogs.Options{Instance: "orders-db", NameContains: "postgresql.log"})
	if err != nil {
		panic(err)
	}
	p, _ := logging.NewPipeline(logging.Options{}, loggingfake.NewSink(loggingfake.Options{}))
	ctx := context.Background()
	_ = p.Run(ctx, src)
	_ = p.Close(ctx)
	_ = src.Markers() // persist for the next run
}

// Or have RDS export the log to CloudWatch Logs and read it there.
func ExampleEnableExports() {
	var cfg aws.Config
	groups, err := rdslogs.EnableExports(context.Background(), rds.NewFromConfig(cfg), "orders-db", "postgresql", "upgrade")
	if err != nil {
		panic(err)
	}
	_ = groups // ["/aws/rds/instance/orders-db/postgresql", ".../upgrade"]
}
