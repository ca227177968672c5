package swarm_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	scalingswarm "github.com/opskit-dev/opskit/scaling/swarm"
)

// interloper is the engine API with another operator in it: before the
// first replica write reaches the engine, it updates the service's image
// and adds an environment variable, so the write carries a stale version.
type interloper struct {
	*client.Client
	once  sync.Once
	image string
	err   error
	calls int
}

func (i *interloper) ServiceUpdate(ctx context.Context, id string, opts client.ServiceUpdateOptions) (client.ServiceUpdateResult, error) {
	i.calls++
	i.once.Do(func() {
		// The other operator retries its own stale writes too.
		for try := 0; try < 10; try++ {
			res, err := i.Client.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
			if err != nil {
				i.err = err
				return
			}
			spec := res.Service.Spec
			spec.TaskTemplate.ContainerSpec.Image = i.image
			spec.TaskTemplate.ContainerSpec.Env = append(spec.TaskTemplate.ContainerSpec.Env, "DEPLOYED_BY=someone-else")
			_, i.err = i.Client.ServiceUpdate(ctx, id, client.ServiceUpdateOptions{Version: res.Service.Version, Spec: spec})
			if i.err == nil || !strings.Contains(i.err.Error(), "out of sequence") {
				return
			}
		}
	})
	return i.Client.ServiceUpdate(ctx, id, opts)
}

func TestConcurrentUpdate(t *testing.T) {
	cli := testenv.Docker(t)
	image := testenv.GoImage(t, cli, "./testdata/worker", "scaling-worker")
	// The concurrent deploy moves the service to a second tag of the image.
	image2 := image + "-v2"
	if _, err := cli.ImageTag(context.Background(), client.ImageTagOptions{Source: image, Target: image2}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = cli.ImageRemove(context.Background(), image2, client.ImageRemoveOptions{Force: true}) })
	id := testenv.SwarmService(t, cli, "scaling-concurrent", image, 1, nil, "idle")
	api := &interloper{Client: cli, image: image2}
	svc, err := scalingswarm.NewService(api, id, scalingswarm.ServiceOptions{Min: 1, Max: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := svc.SetDesired(ctx, 3); err != nil {
		t.Fatalf("SetDesired(3) across a concurrent update: %v", err)
	}
	if api.err != nil {
		t.Fatalf("the concurrent update itself failed: %v", api.err)
	}
	if api.calls < 2 {
		t.Errorf("%d update calls; the stale write should have been refused and retried", api.calls)
	}
	res, err := cli.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	spec := res.Service.Spec
	if got := *spec.Mode.Replicated.Replicas; got != 3 {
		t.Errorf("replicas = %d; want 3", got)
	}
	if got := spec.TaskTemplate.ContainerSpec.Image; got != image2 {
		t.Errorf("image = %q; the concurrent deploy of %q was reverted", got, image2)
	}
	if env := strings.Join(spec.TaskTemplate.ContainerSpec.Env, " "); !strings.Contains(env, "DEPLOYED_BY=someone-else") {
		t.Errorf("env = %q; the concurrent change was reverted", env)
	}
}

// staleAPI always refuses writes as out of sequence.
type staleAPI struct{ *client.Client }

func (staleAPI) ServiceUpdate(context.Context, string, client.ServiceUpdateOptions) (client.ServiceUpdateResult, error) {
	return client.ServiceUpdateResult{}, errors.New("Error response from daemon: rpc error: code = Unknown desc = update out of sequence")
}

func TestConflictGivesUp(t *testing.T) {
	cli := testenv.Docker(t)
	image := testenv.GoImage(t, cli, "./testdata/worker", "scaling-worker")
	id := testenv.SwarmService(t, cli, "scaling-stale", image, 1, nil, "idle")
	svc, _ := scalingswarm.NewService(staleAPI{cli}, id, scalingswarm.ServiceOptions{Min: 1, Max: 4, Retries: 3})
	err := svc.SetDesired(context.Background(), 2)
	if !errors.Is(err, scaling.ErrConflict) || !strings.HasPrefix(err.Error(), "swarm: ") {
		t.Errorf("SetDesired with every write stale = %v; want scaling.ErrConflict", err)
	}
}

func TestLabels(t *testing.T) {
	cli := testenv.Docker(t)
	image := testenv.GoImage(t, cli, "./testdata/worker", "scaling-worker")
	id := testenv.SwarmService(t, cli, "scaling-labels", image, 1,
		map[string]string{scalingswarm.LabelMin: "1", scalingswarm.LabelMax: "3", scalingswarm.LabelCPUTarget: "60"}, "idle")
	svc, err := scalingswarm.NewService(cli, id, scalingswarm.ServiceOptions{Labels: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := svc.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Min != 1 || st.Max != 3 {
		t.Errorf("bounds from labels = [%d, %d]; want [1, 3]", st.Min, st.Max)
	}
	if err := svc.SetDesired(ctx, 4); !errors.Is(err, scaling.ErrInvalid) {
		t.Errorf("SetDesired(4) above the label max = %v; want ErrInvalid", err)
	}
	res, _ := cli.ServiceInspect(ctx, id, client.ServiceInspectOptions{})
	spec, ok, err := scalingswarm.SpecFromLabels(id, res.Service.Spec.Labels)
	if err != nil || !ok {
		t.Fatalf("SpecFromLabels = %v, %v", ok, err)
	}
	if tt, _ := spec.Policies[0].(*scaling.TargetTracking); tt == nil || tt.Target != 60 || tt.Metric != "cpu" {
		t.Errorf("policy from labels = %+v", spec.Policies[0])
	}
	if _, _, err := scalingswarm.SpecFromLabels("x", map[string]string{scalingswarm.LabelCPUTarget: "150"}); !errors.Is(err, scaling.ErrInvalid) {
		t.Errorf("cpu-target 150: %v; want ErrInvalid", err)
	}
}
