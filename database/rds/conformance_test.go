package rds_test

import (
	"testing"
	"time"

	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/database/rds/rdsfake"
	"github.com/opskit-dev/opskit/database/rds/rdstest"
	"github.com/opskit-dev/opskit/internal/testenv"
)

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		w := rdsfake.NewWorld()
		w.CreatingDescribes = 2
		rdstest.Run(t, rdstest.Harness{
			API:           func(t *testing.T, region string) rds.API { return w.Region(region) },
			PrimaryRegion: "us-east-1", ReplicaRegion: "eu-west-1",
			PollInterval: time.Millisecond, MaxWait: 5 * time.Second,
			Strict: true,
		})
	})
	t.Run("moto", func(t *testing.T) {
		cfg := testenv.PrivateMoto(t)
		rdstest.Run(t, rdstest.Harness{
			API: func(t *testing.T, region string) rds.API {
				c := cfg.Copy()
				c.Region = region
				return awsrds.NewFromConfig(c)
			},
			PrimaryRegion: "us-east-1", ReplicaRegion: "eu-west-1",
			PollInterval: 100 * time.Millisecond, MaxWait: 30 * time.Second,
		})
	})
}
