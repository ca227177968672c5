package elb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/elb"
)

// TestSpecRejected proves every quota and rule is checked before any
// call: no call reaches moto, and the good spec before the bad one is not
// created.
func TestSpecRejected(t *testing.T) {
	w := newWorld(t)
	fwd := elb.Action{Forward: "front-web"}
	rule := func(r elb.RuleSpec) func(s *elb.LoadBalancerSpec) {
		return func(s *elb.LoadBalancerSpec) { s.Listeners[0].Rules = append(s.Listeners[0].Rules, r) }
	}
	cases := []struct {
		name, want string
		edit       func(s *elb.LoadBalancerSpec)
	}{
		{"name too long", "Name", func(s *elb.LoadBalancerSpec) { s.Name = strings.Repeat("a", 33) }},
		{"one subnet for an ALB", "two availability zones", func(s *elb.LoadBalancerSpec) { s.Subnets = s.Subnets[:1] }},
		{"priority zero is auto, 50001 is not", "outside 1-50000", rule(elb.RuleSpec{Priority: 50001, Paths: []string{"/x"}, Action: fwd})},
		{"negative priority", "outside 1-50000", rule(elb.RuleSpec{Priority: -1, Paths: []string{"/x"}, Action: fwd})},
		{"priority twice", "priorities are unique per listener", func(s *elb.LoadBalancerSpec) {
			s.Listeners[0].Rules = []elb.RuleSpec{{Priority: 7, Paths: []string{"/a"}, Action: fwd}, {Priority: 7, Paths: []string{"/b"}, Action: fwd}}
		}},
		{"six condition values", "at most 5 per rule", rule(elb.RuleSpec{Paths: []string{"/a", "/b", "/c"}, Hosts: []string{"a", "b", "c"}, Action: fwd})},
		{"four values in one condition", "at most 3", rule(elb.RuleSpec{Paths: []string{"/a", "/b", "/c", "/d"}, Action: fwd})},
		{"six wildcards", "at most 5", rule(elb.RuleSpec{Paths: []string{"/*/*/*", "/?/*/?"}, Action: fwd})},
		{"path of 129 characters", "at most 128", rule(elb.RuleSpec{Paths: []string{"/" + strings.Repeat("p", 128)}, Action: fwd})},
		{"no condition", "only the default action", rule(elb.RuleSpec{Action: fwd})},
		{"two actions", "exactly one", rule(elb.RuleSpec{Paths: []string{"/x"}, Action: elb.Action{Forward: "front-web", Fixed: &elb.FixedResponse{StatusCode: 200}}})},
		{"no action", "exactly one", rule(elb.RuleSpec{Paths: []string{"/x"}})},
		{"unknown target group", "not in the spec", rule(elb.RuleSpec{Paths: []string{"/x"}, Action: elb.Action{Forward: "nope"}})},
		{"fixed 302", "not 2XX, 4XX or 5XX", rule(elb.RuleSpec{Paths: []string{"/x"}, Action: elb.Action{Fixed: &elb.FixedResponse{StatusCode: 302}}})},
		{"body too long", "at most 1024", rule(elb.RuleSpec{Paths: []string{"/x"}, Action: elb.Action{Fixed: &elb.FixedResponse{StatusCode: 200, Body: strings.Repeat("b", 1025)}}})},
		{"lower-case method", "upper-case", rule(elb.RuleSpec{Methods: []string{"get"}, Action: fwd})},
		{"header without values", "no values", rule(elb.RuleSpec{Headers: []elb.HeaderCondition{{Name: "X"}}, Action: fwd})},
		{"101 rules", "at most 100 rules per ALB", func(s *elb.LoadBalancerSpec) {
			s.Listeners = append(s.Listeners, elb.ListenerSpec{Protocol: "HTTP", Port: 8080, Default: fwd})
			for i := 0; i < 101; i++ {
				s.Listeners[i%2].Rules = append(s.Listeners[i%2].Rules, elb.RuleSpec{Paths: []string{fmt.Sprintf("/r%d", i)}, Action: fwd})
			}
		}},
		{"HTTPS without certificate", "needs a certificate", func(s *elb.LoadBalancerSpec) { s.Listeners[0].Protocol = "HTTPS" }},
		{"TCP listener on an ALB", "does not fit", func(s *elb.LoadBalancerSpec) { s.Listeners[0].Protocol = "TCP" }},
		{"path rule on an NLB", "NLB has no listener rules: it is layer 4", func(s *elb.LoadBalancerSpec) {
			s.Type = elb.Network
			s.TargetGroups = []elb.TargetGroupSpec{{Name: "front-web", Protocol: "TCP", Port: 80, VPC: w.vpc}}
			s.Listeners = []elb.ListenerSpec{{Protocol: "TCP", Port: 80, Default: fwd, Rules: []elb.RuleSpec{{Paths: []string{"/api/*"}, Action: fwd}}}}
		}},
		{"web ACL on an NLB", "WAF protects ALBs, not NLBs", func(s *elb.LoadBalancerSpec) {
			s.Type, s.WebACL = elb.Network, "waf"
			s.TargetGroups = []elb.TargetGroupSpec{{Name: "front-web", Protocol: "TCP", Port: 80, VPC: w.vpc}}
			s.Listeners = []elb.ListenerSpec{{Protocol: "TCP", Port: 80, Default: fwd}}
		}},
		{"bad web ACL name", "WebACL", func(s *elb.LoadBalancerSpec) { s.WebACL = "no spaces" }},
		{"target group twice", "twice", func(s *elb.LoadBalancerSpec) { s.TargetGroups = append(s.TargetGroups, s.TargetGroups[0]) }},
	}
	ctx := context.Background()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			good := w.alb()
			good.Name, good.TargetGroups = "good", nil
			good.Listeners = []elb.ListenerSpec{{Protocol: "HTTP", Port: 80, Default: elb.Action{Fixed: &elb.FixedResponse{StatusCode: 404}}}}
			bad := w.alb()
			bad.Listeners[0].Rules = nil
			tc.edit(&bad)
			_, err := w.prov.Apply(ctx, good, bad)
			if !errors.Is(err, elb.ErrInvalid) || !errors.Is(err, scaling.ErrInvalid) {
				t.Fatalf("Apply = %v; want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "scaling/elb: invalid load balancer") {
				t.Errorf("error %q does not name the rule (%q)", err, tc.want)
			}
			if all, _, ops := w.count.Take(); all != 0 {
				t.Errorf("bad spec made %d calls: %v", all, ops)
			}
		})
	}
}
