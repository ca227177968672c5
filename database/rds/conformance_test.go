package rds_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsrds "github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/database/rds/rdsfake"
	"github.com/opskit-dev/opskit/database/rds/rdstest"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestConformance runs the rdstest suite on the fake and on moto.
func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		rdstest.Run(t, func(*testing.T) rdstest.Harness {
			w := rdsfake.NewWorld()
			w.CreatingDescribes = 2
			return fakeHarness{w}
		})
	})
	t.Run("moto", func(t *testing.T) {
		h := motoHarness{testenv.PrivateMoto(t)}
		rdstest.Run(t, func(*testing.T) rdstest.Harness { return h })
	})
}

type fakeHarness struct{ w *rdsfake.World }

func (h fakeHarness) API(_ *testing.T, region string) rds.API { return h.w.Region(region) }
func (fakeHarness) Regions() (string, string)                 { return "us-east-1", "eu-west-1" }
func (fakeHarness) Timing() (time.Duration, time.Duration)    { return time.Millisecond, 5 * time.Second }
func (fakeHarness) Strict() bool                              { return true }

type motoHarness struct{ cfg aws.Config }

func (h motoHarness) API(_ *testing.T, region string) rds.API {
	c := h.cfg.Copy()
	c.Region = region
	return awsrds.NewFromConfig(c)
}
func (motoHarness) Regions() (string, string) { return "us-east-1", "eu-west-1" }
func (motoHarness) Timing() (time.Duration, time.Duration) {
	return 100 * time.Millisecond, 30 * time.Second
}
