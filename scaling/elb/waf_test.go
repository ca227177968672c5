package elb_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/opskit-dev/opskit/scaling/elb"
)

// TestWebACL puts a web ACL with AWS's SQL-injection and common rule sets
// in front of an ALB on moto, as part of the spec.
func TestWebACL(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	spec := w.alb()
	spec.WebACL = "front-waf"
	plans, err := w.prov.Apply(ctx, spec)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if _, _, ops := w.count.Take(); ops["CreateWebACL"] != 1 || ops["AssociateWebACL"] != 1 {
		t.Errorf("calls %v; want one CreateWebACL and one AssociateWebACL\n%s", ops, plans[0])
	}
	lbs, err := w.raw.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{"front"}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := wafv2.NewFromConfig(w.cfg).GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	if out.WebACL == nil || aws.ToString(out.WebACL.Name) != "front-waf" || !elb.BlocksSQLi(out.WebACL) {
		t.Errorf("web ACL in front of the ALB: %+v; want front-waf blocking SQL injection", out.WebACL)
	}
	w.count.Take()
	plans, err = w.prov.Apply(ctx, spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, writes, ops := w.count.Take(); writes != 0 || !plans[0].Empty() {
		t.Errorf("again: calls %v\n%s", ops, plans[0])
	}
}
