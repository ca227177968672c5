package elb_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling/elb"
	"github.com/opskit-dev/opskit/scaling/elb/elbfake"
)

// fakeOrReal is what the cases need: the provisioner's API and Delete's.
type fakeOrReal interface {
	elb.API
	elb.DeleteAPI
}

// TestDelete runs the same cases on the fake and on moto: apply a load
// balancer with two target groups and a path rule, a second plan is
// empty, an added rule is one change, Delete removes the load balancer
// and its target groups, and a second Delete does nothing.
func TestDelete(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		testDelete(t, elbfake.New(), "vpc-1", []string{"subnet-a", "subnet-b"})
	})
	t.Run("moto", func(t *testing.T) {
		cfg := testenv.AWS(t)
		subs, err := ec2.NewFromConfig(cfg).DescribeSubnets(context.Background(), &ec2.DescribeSubnetsInput{
			Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
		if err != nil {
			t.Fatal(err)
		}
		var subnets []string
		var vpc string
		for _, s := range subs.Subnets {
			subnets = append(subnets, aws.ToString(s.SubnetId))
			vpc = aws.ToString(s.VpcId)
		}
		sort.Strings(subnets)
		testDelete(t, elbv2.NewFromConfig(cfg), vpc, subnets[:2])
	})
}

func testDelete(t *testing.T, api fakeOrReal, vpc string, subnets []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sfx := fmt.Sprint(time.Now().UnixNano() % 1e8)
	spec := elb.LoadBalancerSpec{Name: "del-" + sfx, Subnets: subnets,
		TargetGroups: []elb.TargetGroupSpec{{Name: "web-" + sfx, Protocol: "HTTP", Port: 8080, VPC: vpc, HealthCheckPath: "/healthz"},
			{Name: "api-" + sfx, Protocol: "HTTP", Port: 8081, VPC: vpc}},
		Listeners: []elb.ListenerSpec{{Protocol: "HTTP", Port: 80, Default: elb.Action{Forward: "web-" + sfx},
			Rules: []elb.RuleSpec{{Paths: []string{"/api/*"}, Action: elb.Action{Forward: "api-" + sfx}}}}}}
	p := elb.NewProvisioner(api, nil)
	plans, err := p.Apply(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(plans[0].Changes); n != 5 {
		t.Errorf("first apply: %d changes, want 5 (load balancer, 2 target groups, listener, rule):\n%s", n, plans[0])
	}
	if plans, err = p.Plan(ctx, spec); err != nil || !plans[0].Empty() {
		t.Fatalf("plan after apply: %v %v", plans, err)
	}
	spec.Listeners[0].Rules = append(spec.Listeners[0].Rules, elb.RuleSpec{Paths: []string{"/static/*"}, Action: elb.Action{Forward: "web-" + sfx}})
	if plans, err = p.Apply(ctx, spec); err != nil || len(plans[0].Changes) != 1 || plans[0].Changes[0].Op != "create" {
		t.Fatalf("added rule: %v %v", plans, err)
	}
	done, err := elb.Delete(ctx, api, spec)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(done); len(done) != 3 || !strings.Contains(got, "delete load balancer del-"+sfx) {
		t.Errorf("delete: %s, want the load balancer and 2 target groups", got)
	}
	if _, err := api.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{Names: []string{"web-" + sfx}}); err == nil {
		t.Error("target group still there after Delete")
	}
	if done, err := elb.Delete(ctx, api, spec); err != nil || len(done) != 0 {
		t.Fatalf("second delete: %v %v, want nothing", done, err)
	}
	if plans, err = p.Plan(ctx, spec); err != nil || len(plans[0].Changes) != 6 {
		t.Fatalf("plan after delete: %v %v, want everything created again", plans, err)
	}
}
