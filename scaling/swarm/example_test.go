package swarm_test

import (
	"context"
	"log"
	"log/slog"

	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/swarm"
)

// Scale the service "web" on its tasks' CPU, with min, max and target
// from its labels (docker service update --label-add
// opskit.scaling.min=2 --label-add opskit.scaling.max=10 --label-add
// opskit.scaling.cpu-target=50 web), leaving a lease on the service so a
// second copy of this program stands by.
func Example() {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	svc, err := swarm.NewService(cli, "web", swarm.ServiceOptions{Labels: true, WarmUp: 30e9})
	if err != nil {
		log.Fatal(err)
	}
	inspected, err := cli.ServiceInspect(ctx, "web", client.ServiceInspectOptions{})
	if err != nil {
		log.Fatal(err)
	}
	spec, ok, err := swarm.SpecFromLabels("web", inspected.Service.Spec.Labels)
	if err != nil || !ok {
		log.Fatalf("web is not opted in: %v", err)
	}
	ctl, err := scaling.NewController(scaling.ControllerOptions{Holder: "scaler-1", Logger: slog.Default()})
	if err != nil {
		log.Fatal(err)
	}
	err = ctl.Add(scaling.GroupConfig{Name: "web", Group: svc, Spec: spec,
		Metrics: map[string]scaling.MetricFunc{"cpu": swarm.NewMetrics(cli, svc).CPU()}})
	if err != nil {
		log.Fatal(err)
	}
	log.Fatal(ctl.Run(ctx))
}
