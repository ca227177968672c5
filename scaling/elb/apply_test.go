package elb_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
	"github.com/opskit-dev/opskit/scaling/elb"
)

// TestApplyIdempotent applies 3 groups, 2 load balancers and 40 listener
// rules from nothing, again, and with one rule changed, counting calls.
func TestApplyIdempotent(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	asg := awsasg.NewProvisioner(autoscaling.NewFromConfig(w.cfg), cloudwatch.NewFromConfig(w.cfg))
	lbs := make([]elb.LoadBalancerSpec, 2)
	for i := range lbs {
		name := fmt.Sprintf("shop%d", i)
		lbs[i] = elb.LoadBalancerSpec{Name: name, Subnets: w.subnets, Listeners: []elb.ListenerSpec{{Protocol: "HTTP", Port: 80,
			Default: elb.Action{Fixed: &elb.FixedResponse{StatusCode: 404, ContentType: "text/plain", Body: "no route"}}}}}
		for _, tier := range []string{"web", "api"} {
			lbs[i].TargetGroups = append(lbs[i].TargetGroups, elb.TargetGroupSpec{Name: name + "-" + tier, Protocol: "HTTP", Port: 8080, VPC: w.vpc})
		}
		for r := 0; r < 20; r++ {
			lbs[i].Listeners[0].Rules = append(lbs[i].Listeners[0].Rules, elb.RuleSpec{
				Paths: []string{fmt.Sprintf("/svc%02d/*", r)}, Action: elb.Action{Forward: lbs[i].TargetGroups[r%2].Name}})
		}
	}
	groups := func(plans []*elb.Plan) []awsasg.GroupSpec {
		var out []awsasg.GroupSpec
		for i, name := range []string{"web", "api", "worker"} {
			g := awsasg.GroupSpec{Name: name, LaunchTemplate: w.template, Min: 1, Desired: 1, Max: 8, Subnets: w.subnets,
				Policies: []awsasg.PolicySpec{{Policy: &scaling.TargetTracking{Name: "cpu", Metric: "cpu", Target: 50},
					Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageCPUUtilization}}},
				HealthCheckGracePeriod: time.Minute}
			if i < 2 {
				g.HealthCheckType = "ELB"
				for _, p := range plans {
					g.TargetGroupARNs = append(g.TargetGroupARNs, p.TargetGroupARNs()[p.LoadBalancer+"-"+name])
				}
			}
			out = append(out, g)
		}
		return out
	}
	run := func(what string) (int, int, map[string]int) {
		plans, err := w.prov.Apply(ctx, lbs...)
		if err != nil {
			t.Fatalf("%s: elb Apply: %v", what, err)
		}
		if _, err := asg.Apply(ctx, groups(plans)...); err != nil {
			t.Fatalf("%s: awsasg Apply: %v", what, err)
		}
		all, writes, ops := w.count.Take()
		t.Logf("%s: %d calls, %d that change something: %v", what, all, writes, ops)
		return all, writes, ops
	}
	// The minimum from nothing: 2 load balancers, 4 target groups, 2
	// listeners, 40 rules, 3 groups (target groups attached at creation),
	// 3 policies = 54 changing calls.
	if _, writes, _ := run("from nothing"); writes != 54 {
		t.Errorf("from nothing: %d changing calls; want 54", writes)
	}
	if _, writes, _ := run("again"); writes != 0 {
		t.Errorf("again: %d changing calls; want 0", writes)
	}
	lbs[1].Listeners[0].Rules[7].Action = elb.Action{Fixed: &elb.FixedResponse{StatusCode: 503, ContentType: "text/plain", Body: "down for maintenance"}}
	if _, writes, ops := run("one rule changed"); writes != 1 || ops["ModifyRule"] != 1 {
		t.Errorf("one rule changed: %v; want one ModifyRule", ops)
	}
}
