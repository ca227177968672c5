package elb_test

import (
	"context"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/scaling/elb"
)

func (w *world) alb() elb.LoadBalancerSpec {
	return elb.LoadBalancerSpec{
		Name: "front", Subnets: w.subnets,
		TargetGroups: []elb.TargetGroupSpec{
			{Name: "front-web", Protocol: "HTTP", Port: 8080, VPC: w.vpc, HealthCheckPath: "/healthz"},
			{Name: "front-api", Protocol: "HTTP", Port: 9090, VPC: w.vpc},
			{Name: "front-canary", Protocol: "HTTP", Port: 9091, VPC: w.vpc},
		},
		Listeners: []elb.ListenerSpec{{
			Protocol: "HTTP", Port: 80,
			Default: elb.Action{Forward: "front-web"},
			Rules: []elb.RuleSpec{
				{Paths: []string{"/api/*"}, Headers: []elb.HeaderCondition{{Name: "X-Canary", Values: []string{"1"}}}, Action: elb.Action{Forward: "front-canary"}},
				{Paths: []string{"/api/*", "/v2/*"}, Action: elb.Action{Forward: "front-api"}},
				{Hosts: []string{"old.example.com"}, Action: elb.Action{Redirect: &elb.Redirect{Host: "www.example.com", Permanent: true}}},
				{Paths: []string{"/admin*"}, Methods: []string{"DELETE", "PUT"}, Action: elb.Action{Fixed: &elb.FixedResponse{StatusCode: 403, ContentType: "text/plain", Body: "forbidden"}}},
			},
		}},
	}
}

func TestListenerRules(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	spec := w.alb()
	nlb := elb.LoadBalancerSpec{Name: "tcp", Type: elb.Network, Subnets: w.subnets,
		TargetGroups: []elb.TargetGroupSpec{{Name: "tcp-pg", Protocol: "TCP", Port: 5432, VPC: w.vpc}},
		Listeners:    []elb.ListenerSpec{{Protocol: "TCP", Port: 5432, Default: elb.Action{Forward: "tcp-pg"}}}}
	plans, err := w.prov.Apply(ctx, spec, nlb)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	t.Logf("plan:\n%s%s", plans[0], plans[1])
	_, writes, ops := w.count.Take()
	if writes != 12 || ops["CreateRule"] != 4 {
		t.Errorf("first Apply: calls %v; want 2 load balancers, 4 target groups, 2 listeners, 4 rules", ops)
	}
	want := []string{"   10 http-header= path-pattern=/api/*", "   20 path-pattern=/api/*|/v2/*", "   30 host-header=old.example.com", "   40 http-request-method= path-pattern=/admin*"}
	got := w.rules(t, "front", "80")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rules on moto:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	plans, err = w.prov.Apply(ctx, spec, nlb)
	if err != nil {
		t.Fatal(err)
	}
	if _, writes, ops := w.count.Take(); writes != 0 || !plans[0].Empty() || !plans[1].Empty() {
		t.Errorf("second Apply: calls %v, plan:\n%s%s", ops, plans[0], plans[1])
	}

	// A rule added in the middle takes a free priority; no other moves.
	spec.Listeners[0].Rules = append(spec.Listeners[0].Rules[:2], append([]elb.RuleSpec{
		{Paths: []string{"/static/*"}, Action: elb.Action{Fixed: &elb.FixedResponse{StatusCode: 200, ContentType: "text/plain", Body: "ok"}}},
	}, spec.Listeners[0].Rules[2:]...)...)
	if _, err := w.prov.Apply(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if _, writes, ops := w.count.Take(); writes != 1 || ops["CreateRule"] != 1 {
		t.Errorf("adding a rule: calls %v; want one CreateRule", ops)
	}
	got = w.rules(t, "front", "80")
	want = []string{"   10 http-header= path-pattern=/api/*", "   20 path-pattern=/api/*|/v2/*", "   25 path-pattern=/static/*", "   30 host-header=old.example.com", "   40 http-request-method= path-pattern=/admin*"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("after adding a rule:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// One action changed: one ModifyRule.
	spec.Listeners[0].Rules[1].Action = elb.Action{Forward: "front-web"}
	plans, err = w.prov.Apply(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, writes, ops := w.count.Take(); writes != 1 || ops["ModifyRule"] != 1 {
		t.Errorf("changing an action: calls %v; plan:\n%s", ops, plans[0])
	}

	// One rule removed: one DeleteRule, the rest stay where they are.
	spec.Listeners[0].Rules = append(spec.Listeners[0].Rules[:3], spec.Listeners[0].Rules[4:]...)
	if _, err := w.prov.Apply(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if _, writes, ops := w.count.Take(); writes != 1 || ops["DeleteRule"] != 1 {
		t.Errorf("removing a rule: calls %v", ops)
	}
	if got := w.rules(t, "front", "80"); len(got) != 4 || !strings.HasPrefix(got[3], "   40") {
		t.Errorf("after removing: %q", got)
	}
	// A second listener comes and goes: one call each.
	spec.Listeners = append(spec.Listeners, elb.ListenerSpec{Protocol: "HTTP", Port: 8080, Default: elb.Action{Forward: "front-api"}})
	if _, err := w.prov.Apply(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if _, writes, ops := w.count.Take(); writes != 1 || ops["CreateListener"] != 1 {
		t.Errorf("adding a listener: calls %v", ops)
	}
	spec.Listeners = spec.Listeners[:1]
	if _, err := w.prov.Apply(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if _, writes, ops := w.count.Take(); writes != 1 || ops["DeleteListener"] != 1 {
		t.Errorf("removing a listener: calls %v", ops)
	}
	if plans, _ := w.prov.Plan(ctx, spec, nlb); !plans[0].Empty() || !plans[1].Empty() {
		t.Errorf("plan after all changes not empty:\n%s%s", plans[0], plans[1])
	}
}
