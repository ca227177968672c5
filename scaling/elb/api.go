package elb

import (
	"context"

	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// The ELBv2 operations used, one interface each, as aws-sdk-go-v2 names
// them.
type (
	// CreateLoadBalancerAPI creates load balancers.
	CreateLoadBalancerAPI interface {
		CreateLoadBalancer(context.Context, *elb.CreateLoadBalancerInput, ...func(*elb.Options)) (*elb.CreateLoadBalancerOutput, error)
	}
	// CreateTargetGroupAPI creates target groups.
	CreateTargetGroupAPI interface {
		CreateTargetGroup(context.Context, *elb.CreateTargetGroupInput, ...func(*elb.Options)) (*elb.CreateTargetGroupOutput, error)
	}
	// ModifyTargetGroupAPI changes a target group's health check.
	ModifyTargetGroupAPI interface {
		ModifyTargetGroup(context.Context, *elb.ModifyTargetGroupInput, ...func(*elb.Options)) (*elb.ModifyTargetGroupOutput, error)
	}
	// CreateListenerAPI creates listeners.
	CreateListenerAPI interface {
		CreateListener(context.Context, *elb.CreateListenerInput, ...func(*elb.Options)) (*elb.CreateListenerOutput, error)
	}
	// ModifyListenerAPI changes a listener's default action.
	ModifyListenerAPI interface {
		ModifyListener(context.Context, *elb.ModifyListenerInput, ...func(*elb.Options)) (*elb.ModifyListenerOutput, error)
	}
	// DeleteListenerAPI deletes listeners (and their rules).
	DeleteListenerAPI interface {
		DeleteListener(context.Context, *elb.DeleteListenerInput, ...func(*elb.Options)) (*elb.DeleteListenerOutput, error)
	}
	// CreateRuleAPI creates listener rules.
	CreateRuleAPI interface {
		CreateRule(context.Context, *elb.CreateRuleInput, ...func(*elb.Options)) (*elb.CreateRuleOutput, error)
	}
	// ModifyRuleAPI changes a rule's conditions and actions.
	ModifyRuleAPI interface {
		ModifyRule(context.Context, *elb.ModifyRuleInput, ...func(*elb.Options)) (*elb.ModifyRuleOutput, error)
	}
	// DeleteRuleAPI deletes rules.
	DeleteRuleAPI interface {
		DeleteRule(context.Context, *elb.DeleteRuleInput, ...func(*elb.Options)) (*elb.DeleteRuleOutput, error)
	}
)

// API is every operation the package uses; *elasticloadbalancingv2.Client
// satisfies it.
type API interface {
	elb.DescribeLoadBalancersAPIClient
	elb.DescribeTargetGroupsAPIClient
	elb.DescribeListenersAPIClient
	elb.DescribeRulesAPIClient
	CreateLoadBalancerAPI
	CreateTargetGroupAPI
	ModifyTargetGroupAPI
	CreateListenerAPI
	ModifyListenerAPI
	DeleteListenerAPI
	CreateRuleAPI
	ModifyRuleAPI
	DeleteRuleAPI
}

var _ API = (*elb.Client)(nil)
