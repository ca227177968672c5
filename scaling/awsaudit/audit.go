package awsaudit

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/opskit-dev/opskit/internal/audit"
)

// Audit runs every check on every group, load balancer and target group
// the clients can see and returns one finding per check and resource. A
// read that fails for one resource becomes an error finding; a failure to
// list is returned.
func Audit(ctx context.Context, apis APIs) ([]Finding, error) {
	if apis.AutoScaling == nil || apis.ELB == nil || apis.SecurityGroups == nil {
		return nil, errors.New("scaling/awsaudit: APIs: AutoScaling, ELB and SecurityGroups are required")
	}
	var out []Finding
	pg := autoscaling.NewDescribeAutoScalingGroupsPaginator(apis.AutoScaling, &autoscaling.DescribeAutoScalingGroupsInput{})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scaling/awsaudit: DescribeAutoScalingGroups: %w", err)
		}
		for _, g := range page.AutoScalingGroups {
			t := groupTarget{g: g}
			pp := autoscaling.NewDescribePoliciesPaginator(apis.AutoScaling, &autoscaling.DescribePoliciesInput{AutoScalingGroupName: g.AutoScalingGroupName})
			for pp.HasMorePages() {
				pols, err := pp.NextPage(ctx)
				if err != nil {
					return nil, fmt.Errorf("scaling/awsaudit: group %q: DescribePolicies: %w", aws.ToString(g.AutoScalingGroupName), err)
				}
				for _, p := range pols.ScalingPolicies {
					if aws.ToString(p.AutoScalingGroupName) == aws.ToString(g.AutoScalingGroupName) {
						t.policies++
					}
				}
			}
			out = append(out, audit.Run(ctx, t, groupCheckers...)...)
		}
	}
	pl := elbv2.NewDescribeLoadBalancersPaginator(apis.ELB, &elbv2.DescribeLoadBalancersInput{})
	for pl.HasMorePages() {
		page, err := pl.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scaling/awsaudit: DescribeLoadBalancers: %w", err)
		}
		for _, lb := range page.LoadBalancers {
			t, err := readLB(ctx, apis, lb)
			if err != nil {
				return nil, err
			}
			out = append(out, audit.Run(ctx, t, lbCheckers...)...)
		}
	}
	pt := elbv2.NewDescribeTargetGroupsPaginator(apis.ELB, &elbv2.DescribeTargetGroupsInput{})
	for pt.HasMorePages() {
		page, err := pt.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scaling/awsaudit: DescribeTargetGroups: %w", err)
		}
		for _, tg := range page.TargetGroups {
			h, err := apis.ELB.DescribeTargetHealth(ctx, &elbv2.DescribeTargetHealthInput{TargetGroupArn: tg.TargetGroupArn})
			if err != nil {
				out = append(out, noHealthy.Errored(aws.ToString(tg.TargetGroupArn), err))
				continue
			}
			out = append(out, audit.Run(ctx, tgTarget{tg: tg, targets: h.TargetHealthDescriptions}, tgCheckers...)...)
		}
	}
	return out, nil
}

func readLB(ctx context.Context, apis APIs, lb elbtypes.LoadBalancer) (lbTarget, error) {
	t := lbTarget{lb: lb}
	p := elbv2.NewDescribeListenersPaginator(apis.ELB, &elbv2.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return t, fmt.Errorf("scaling/awsaudit: load balancer %q: DescribeListeners: %w", aws.ToString(lb.LoadBalancerName), err)
		}
		t.listeners = append(t.listeners, page.Listeners...)
	}
	if len(lb.SecurityGroups) > 0 {
		ps := ec2.NewDescribeSecurityGroupsPaginator(apis.SecurityGroups, &ec2.DescribeSecurityGroupsInput{GroupIds: lb.SecurityGroups})
		for ps.HasMorePages() {
			page, err := ps.NextPage(ctx)
			if err != nil {
				t.sgErr = err
				break
			}
			t.sgs = append(t.sgs, page.SecurityGroups...)
		}
	}
	if apis.WAF == nil {
		t.aclErr = errors.New("no WAF client given")
	} else if acl, err := apis.WAF.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: lb.LoadBalancerArn}); err != nil {
		t.aclErr = err
	} else {
		t.acl = acl.WebACL
	}
	return t, nil
}
