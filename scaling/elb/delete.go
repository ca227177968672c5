package elb

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// DeleteLoadBalancerAPI deletes load balancers (with their listeners and
// rules).
type DeleteLoadBalancerAPI interface {
	DeleteLoadBalancer(context.Context, *elb.DeleteLoadBalancerInput, ...func(*elb.Options)) (*elb.DeleteLoadBalancerOutput, error)
}

// DeleteTargetGroupAPI deletes target groups no listener uses.
type DeleteTargetGroupAPI interface {
	DeleteTargetGroup(context.Context, *elb.DeleteTargetGroupInput, ...func(*elb.Options)) (*elb.DeleteTargetGroupOutput, error)
}

// DeleteAPI is what Delete needs: reading plus the two deletions;
// *elasticloadbalancingv2.Client satisfies it.
type DeleteAPI interface {
	elb.DescribeLoadBalancersAPIClient
	elb.DescribeTargetGroupsAPIClient
	DeleteLoadBalancerAPI
	DeleteTargetGroupAPI
}

var _ DeleteAPI = (*elb.Client)(nil)

// Delete removes what the specs describe and exists: each load balancer
// (its listeners and rules go with it), then its target groups, which a
// listener no longer uses once the load balancer is gone. Nothing else is
// touched. It returns what it deleted; deleting twice does nothing.
func Delete(ctx context.Context, api DeleteAPI, specs ...LoadBalancerSpec) ([]Change, error) {
	var done []Change
	for _, s := range specs {
		out, err := api.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{Names: []string{s.Name}})
		switch {
		case errors.As(err, new(*types.LoadBalancerNotFoundException)):
		case err != nil:
			return done, fmt.Errorf("scaling/elb: load balancer %q: DescribeLoadBalancers: %w", s.Name, err)
		case len(out.LoadBalancers) > 0:
			if _, err := api.DeleteLoadBalancer(ctx, &elb.DeleteLoadBalancerInput{LoadBalancerArn: out.LoadBalancers[0].LoadBalancerArn}); err != nil {
				return done, fmt.Errorf("scaling/elb: delete load balancer %q: %w", s.Name, err)
			}
			done = append(done, Change{Resource: "load balancer", Name: s.Name, Op: "delete", Detail: "with its listeners and rules"})
		}
		for _, tg := range s.TargetGroups {
			out, err := api.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{tg.Name}})
			if errors.As(err, new(*types.TargetGroupNotFoundException)) || (err == nil && len(out.TargetGroups) == 0) {
				continue
			}
			if err != nil {
				return done, fmt.Errorf("scaling/elb: target group %q: DescribeTargetGroups: %w", tg.Name, err)
			}
			if _, err := api.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(aws.ToString(out.TargetGroups[0].TargetGroupArn))}); err != nil {
				return done, fmt.Errorf("scaling/elb: delete target group %q: %w", tg.Name, err)
			}
			done = append(done, Change{Resource: "target group", Name: tg.Name, Op: "delete"})
		}
	}
	return done, nil
}
