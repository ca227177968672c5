package awsaudit

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
)

// The read-only operations an audit uses, one interface each.
type (
	// AutoScalingAPI reads groups and their policies.
	AutoScalingAPI interface {
		autoscaling.DescribeAutoScalingGroupsAPIClient
		autoscaling.DescribePoliciesAPIClient
	}
	// DescribeTargetHealthAPI reads a target group's targets.
	DescribeTargetHealthAPI interface {
		DescribeTargetHealth(context.Context, *elbv2.DescribeTargetHealthInput, ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error)
	}
	// ELBAPI reads load balancers, listeners and target groups.
	ELBAPI interface {
		elbv2.DescribeLoadBalancersAPIClient
		elbv2.DescribeListenersAPIClient
		elbv2.DescribeTargetGroupsAPIClient
		DescribeTargetHealthAPI
	}
	// SecurityGroupsAPI reads security groups.
	SecurityGroupsAPI = ec2.DescribeSecurityGroupsAPIClient
	// WebACLAPI reads the web ACL in front of a load balancer.
	WebACLAPI interface {
		GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error)
	}
)

// APIs are the clients an audit reads through: *autoscaling.Client,
// *elasticloadbalancingv2.Client, *ec2.Client and *wafv2.Client.
type APIs struct {
	AutoScaling    AutoScalingAPI
	ELB            ELBAPI
	SecurityGroups SecurityGroupsAPI
	// WAF may be nil: the web ACL check then reports an error finding.
	WAF WebACLAPI
}

var (
	_ AutoScalingAPI    = (*autoscaling.Client)(nil)
	_ ELBAPI            = (*elbv2.Client)(nil)
	_ SecurityGroupsAPI = (*ec2.Client)(nil)
	_ WebACLAPI         = (*wafv2.Client)(nil)
)
