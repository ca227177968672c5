package scaling_test

import (
	"context"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
	"github.com/opskit-dev/opskit/scaling/scalingtest"
)

type fakeHarness struct{ clock *scalingfake.Clock }

func (h fakeHarness) NewGroup(_ context.Context, _ *testing.T, min, max, desired int) (scaling.Group, error) {
	return scalingfake.NewGroup(h.clock, scalingfake.GroupOptions{Min: min, Max: max, Desired: desired,
		Launch: 5 * time.Second, WarmUp: 30 * time.Second, Linger: 20 * time.Second})
}

func (h fakeHarness) Advance(context.Context) { h.clock.Advance(5 * time.Second) }

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		scalingtest.Run(t, func(t *testing.T) scalingtest.Harness {
			return fakeHarness{scalingfake.NewClock(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC))}
		})
	})
}
