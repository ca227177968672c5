package scaling_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/scalingfake"
	"github.com/opskit-dev/opskit/scaling/scalingtest"
	"github.com/opskit-dev/opskit/scaling/swarm"
)

type fakeHarness struct{ clock *scalingfake.Clock }

func (h fakeHarness) NewGroup(_ context.Context, _ *testing.T, min, max, desired int) (scaling.Group, error) {
	return scalingfake.NewGroup(h.clock, scalingfake.GroupOptions{Min: min, Max: max, Desired: desired,
		Launch: 5 * time.Second, WarmUp: 30 * time.Second, Linger: 20 * time.Second})
}

func (h fakeHarness) Advance(context.Context) { h.clock.Advance(5 * time.Second) }

// swarmHarness runs each case on a new service of idle FROM scratch tasks
// on the local one-node swarm.
type swarmHarness struct {
	cli   *client.Client
	image string
}

func (h swarmHarness) NewGroup(_ context.Context, t *testing.T, min, max, desired int) (scaling.Group, error) {
	id := testenv.SwarmService(t, h.cli, "scaling-conf", h.image, uint64(desired), nil, "idle")
	return swarm.NewService(h.cli, id, swarm.ServiceOptions{Min: min, Max: max})
}

func (h swarmHarness) Advance(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(500 * time.Millisecond):
	}
}

// ChangeOther adds a label through the engine, as another operator
// would, and checks it is still there.
func (h swarmHarness) ChangeOther(ctx context.Context, g scaling.Group) (func(context.Context) error, error) {
	id := g.(*swarm.Service).ID()
	for try := 0; ; try++ {
		res, err := h.cli.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
		if err != nil {
			return nil, err
		}
		spec := res.Service.Spec
		spec.Labels["opskit.test.other"] = "changed"
		_, err = h.cli.ServiceUpdate(ctx, id, client.ServiceUpdateOptions{Version: res.Service.Version, Spec: spec})
		if err == nil {
			break
		}
		if try == 10 || !strings.Contains(err.Error(), "out of sequence") {
			return nil, err
		}
	}
	return func(ctx context.Context) error {
		res, err := h.cli.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
		if err != nil {
			return err
		}
		if res.Service.Spec.Labels["opskit.test.other"] != "changed" {
			return fmt.Errorf("label opskit.test.other is %q", res.Service.Spec.Labels["opskit.test.other"])
		}
		return nil
	}, nil
}

func TestConformance(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		scalingtest.Run(t, func(t *testing.T) scalingtest.Harness {
			return fakeHarness{scalingfake.NewClock(time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC))}
		})
	})
	t.Run("swarm", func(t *testing.T) {
		cli := testenv.Docker(t)
		h := swarmHarness{cli: cli, image: testenv.GoImage(t, cli, "./swarm/testdata/worker", "scaling-worker")}
		scalingtest.Run(t, func(t *testing.T) scalingtest.Harness { return h })
	})
}
