package elb_test

import (
	"fmt"

	"github.com/opskit-dev/opskit/scaling/elb"
)

func ExampleLoadBalancerSpec() {
	alb := elb.LoadBalancerSpec{
		Name: "shop", Subnets: []string{"subnet-a", "subnet-b"},
		TargetGroups: []elb.TargetGroupSpec{
			{Name: "shop-web", Protocol: "HTTP", Port: 8080, VPC: "vpc-1", HealthCheckPath: "/healthz"},
			{Name: "shop-api", Protocol: "HTTP", Port: 9090, VPC: "vpc-1"},
		},
		Listeners: []elb.ListenerSpec{{
			Protocol: "HTTP", Port: 80,
			Default: elb.Action{Forward: "shop-web"},
			Rules: []elb.RuleSpec{
				{Paths: []string{"/api/*"}, Action: elb.Action{Forward: "shop-api"}},
				{Hosts: []string{"old.example.com"}, Action: elb.Action{Redirect: &elb.Redirect{Host: "www.example.com", Permanent: true}}},
				{Paths: []string{"/admin*"}, Methods: []string{"DELETE"}, Action: elb.Action{Fixed: &elb.FixedResponse{StatusCode: 403, ContentType: "text/plain", Body: "no"}}},
			},
		}},
	}
	fmt.Println(alb.Validate())

	nlb := elb.LoadBalancerSpec{
		Name: "db", Type: elb.Network, Subnets: []string{"subnet-a"},
		TargetGroups: []elb.TargetGroupSpec{{Name: "db-pg", Protocol: "TCP", Port: 5432, VPC: "vpc-1"}},
		Listeners: []elb.ListenerSpec{{Protocol: "TCP", Port: 5432, Default: elb.Action{Forward: "db-pg"},
			Rules: []elb.RuleSpec{{Paths: []string{"/api/*"}, Action: elb.Action{Forward: "db-pg"}}}}},
	}
	fmt.Println(nlb.Validate())
	// Output:
	// <nil>
	// scaling/elb: invalid load balancer "db" listener TCP:5432: Rules: an NLB has no listener rules: it is layer 4 and forwards TCP, UDP and TLS connections without ever reading the HTTP path, host, header or method; use an ALB for path routing
}
