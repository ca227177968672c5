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
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling/elb"
)

// world is a moto of the test's own, counted.
type world struct {
	cfg      aws.Config // counted
	raw      *elbv2.Client
	count    *testenv.AWSCalls
	prov     *elb.Provisioner
	subnets  []string
	vpc      string
	template string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	cfg := testenv.PrivateMoto(t)
	w := &world{count: &testenv.AWSCalls{}, raw: elbv2.NewFromConfig(cfg)}
	e := ec2.NewFromConfig(cfg)
	subs, err := e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatalf("DescribeSubnets: %v", err)
	}
	for _, s := range subs.Subnets {
		w.subnets = append(w.subnets, aws.ToString(s.SubnetId))
		w.vpc = aws.ToString(s.VpcId)
	}
	sort.Strings(w.subnets)
	w.subnets = w.subnets[:2]
	w.template = fmt.Sprintf("opskit-elb-%d", time.Now().UnixNano())
	if _, err := e.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(w.template),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro}}); err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	w.cfg = cfg.Copy()
	w.count.Install(&w.cfg)
	w.prov = elb.NewProvisioner(elbv2.NewFromConfig(w.cfg), wafv2.NewFromConfig(w.cfg))
	return w
}

// rules lists a listener's rules as "priority conditions", sorted.
func (w *world) rules(t *testing.T, lb, port string) []string {
	t.Helper()
	ctx := context.Background()
	lbs, err := w.raw.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{lb}})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := w.raw.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls.Listeners {
		if fmt.Sprint(aws.ToInt32(l.Port)) != port {
			continue
		}
		rs, err := w.raw.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: l.ListenerArn})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs.Rules {
			if aws.ToBool(r.IsDefault) {
				continue
			}
			var conds []string
			for _, c := range r.Conditions {
				v := c.Values
				if c.PathPatternConfig != nil {
					v = c.PathPatternConfig.Values
				}
				if c.HostHeaderConfig != nil {
					v = c.HostHeaderConfig.Values
				}
				conds = append(conds, aws.ToString(c.Field)+"="+strings.Join(v, "|"))
			}
			sort.Strings(conds)
			out = append(out, fmt.Sprintf("%5s %s", aws.ToString(r.Priority), strings.Join(conds, " ")))
		}
	}
	sort.Strings(out)
	return out
}
