package main

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/opskit-dev/opskit/access/netaudit"
	"github.com/opskit-dev/opskit/scaling/awsaudit"
)

// cloud is an in-memory stand-in for one AWS account and region: the
// describe calls the network and scaling audits make, answered from fixed
// data in one page. Filters other than group IDs, listener load balancer
// ARNs and target group ARNs are not modelled.
type cloud struct {
	groups        []ec2types.SecurityGroup
	vpcs          []ec2types.Vpc
	flowLogs      []ec2types.FlowLog
	asgs          []astypes.AutoScalingGroup
	policies      []astypes.ScalingPolicy
	lbs           []elbtypes.LoadBalancer
	listeners     []elbtypes.Listener
	targetGroups  []elbtypes.TargetGroup
	targetHealths map[string][]elbtypes.TargetHealthDescription
}

var (
	_ netaudit.EC2API            = (*cloud)(nil)
	_ awsaudit.AutoScalingAPI    = (*cloud)(nil)
	_ awsaudit.ELBAPI            = (*cloud)(nil)
	_ awsaudit.WebACLAPI         = (*cloud)(nil)
	_ awsaudit.SecurityGroupsAPI = (*cloud)(nil)
)

func (c *cloud) apis() awsaudit.APIs {
	return awsaudit.APIs{AutoScaling: c, ELB: c, SecurityGroups: c, WAF: c}
}

func (c *cloud) DescribeSecurityGroups(_ context.Context, in *ec2.DescribeSecurityGroupsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	out := &ec2.DescribeSecurityGroupsOutput{}
	for _, g := range c.groups {
		if len(in.GroupIds) == 0 || slices.Contains(in.GroupIds, aws.ToString(g.GroupId)) {
			out.SecurityGroups = append(out.SecurityGroups, g)
		}
	}
	return out, nil
}

func (c *cloud) DescribeVpcs(context.Context, *ec2.DescribeVpcsInput, ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	return &ec2.DescribeVpcsOutput{Vpcs: c.vpcs}, nil
}

func (c *cloud) DescribeFlowLogs(context.Context, *ec2.DescribeFlowLogsInput, ...func(*ec2.Options)) (*ec2.DescribeFlowLogsOutput, error) {
	return &ec2.DescribeFlowLogsOutput{FlowLogs: c.flowLogs}, nil
}

func (c *cloud) DescribeAutoScalingGroups(context.Context, *autoscaling.DescribeAutoScalingGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DescribeAutoScalingGroupsOutput, error) {
	return &autoscaling.DescribeAutoScalingGroupsOutput{AutoScalingGroups: c.asgs}, nil
}

func (c *cloud) DescribePolicies(_ context.Context, in *autoscaling.DescribePoliciesInput, _ ...func(*autoscaling.Options)) (*autoscaling.DescribePoliciesOutput, error) {
	out := &autoscaling.DescribePoliciesOutput{}
	for _, p := range c.policies {
		if in.AutoScalingGroupName == nil || aws.ToString(p.AutoScalingGroupName) == aws.ToString(in.AutoScalingGroupName) {
			out.ScalingPolicies = append(out.ScalingPolicies, p)
		}
	}
	return out, nil
}

func (c *cloud) DescribeLoadBalancers(context.Context, *elbv2.DescribeLoadBalancersInput, ...func(*elbv2.Options)) (*elbv2.DescribeLoadBalancersOutput, error) {
	return &elbv2.DescribeLoadBalancersOutput{LoadBalancers: c.lbs}, nil
}

func (c *cloud) DescribeListeners(_ context.Context, in *elbv2.DescribeListenersInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeListenersOutput, error) {
	out := &elbv2.DescribeListenersOutput{}
	for _, l := range c.listeners {
		if aws.ToString(l.LoadBalancerArn) == aws.ToString(in.LoadBalancerArn) {
			out.Listeners = append(out.Listeners, l)
		}
	}
	return out, nil
}

func (c *cloud) DescribeTargetGroups(context.Context, *elbv2.DescribeTargetGroupsInput, ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error) {
	return &elbv2.DescribeTargetGroupsOutput{TargetGroups: c.targetGroups}, nil
}

func (c *cloud) DescribeTargetHealth(_ context.Context, in *elbv2.DescribeTargetHealthInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeTargetHealthOutput, error) {
	return &elbv2.DescribeTargetHealthOutput{TargetHealthDescriptions: c.targetHealths[aws.ToString(in.TargetGroupArn)]}, nil
}

func (c *cloud) GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error) {
	return &wafv2.GetWebACLForResourceOutput{}, nil // no web ACL in front of anything
}

func networkDemoOptions() netaudit.Options { return netaudit.Options{} }

// demoCloud is one VPC without flow logs; a default group with rules;
// groups opening SSH and PostgreSQL to the internet next to one kept
// private; an internet-facing ALB on plain HTTP with an all-ports group
// and no web ACL; a single-AZ group behind it that ignores its health
// checks; and a target group with no healthy target.
func demoCloud() *cloud {
	const (
		vpc   = "vpc-0a1b2c3d"
		lbArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop-web/50dc6c495c0c9188"
		tgArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-web/73e2d6bc24d8a067"
	)
	world := []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}
	tcp := func(port int32, ranges []ec2types.IpRange) ec2types.IpPermission {
		return ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port), IpRanges: ranges}
	}
	sg := func(id, name string, perms ...ec2types.IpPermission) ec2types.SecurityGroup {
		return ec2types.SecurityGroup{GroupId: aws.String(id), GroupName: aws.String(name), VpcId: aws.String(vpc), IpPermissions: perms}
	}
	return &cloud{
		vpcs: []ec2types.Vpc{{VpcId: aws.String(vpc), CidrBlock: aws.String("10.0.0.0/16")}},
		groups: []ec2types.SecurityGroup{
			sg("sg-0default", "default", ec2types.IpPermission{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String("sg-0default")}}}),
			sg("sg-0bastion", "bastion", tcp(22, world)),
			sg("sg-0db", "shop-db", tcp(5432, world)),
			sg("sg-0app", "shop-app", tcp(8080, []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/16")}})),
			sg("sg-0alb", "shop-alb", ec2types.IpPermission{IpProtocol: aws.String("-1"), IpRanges: world}),
		},
		asgs: []astypes.AutoScalingGroup{{
			AutoScalingGroupName: aws.String("shop-web"),
			AutoScalingGroupARN:  aws.String("arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:6d8a:autoScalingGroupName/shop-web"),
			MinSize:              aws.Int32(2), MaxSize: aws.Int32(2), DesiredCapacity: aws.Int32(2),
			AvailabilityZones: []string{"eu-west-1a"}, HealthCheckType: aws.String("EC2"),
			TargetGroupARNs: []string{tgArn},
		}},
		policies: []astypes.ScalingPolicy{{AutoScalingGroupName: aws.String("shop-web"), PolicyName: aws.String("cpu-60"), PolicyType: aws.String("TargetTrackingScaling")}},
		lbs: []elbtypes.LoadBalancer{{
			LoadBalancerArn: aws.String(lbArn), LoadBalancerName: aws.String("shop-web"),
			Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing, Type: elbtypes.LoadBalancerTypeEnumApplication,
			SecurityGroups: []string{"sg-0alb"}, VpcId: aws.String(vpc),
		}},
		listeners: []elbtypes.Listener{{
			ListenerArn: aws.String(lbArn + "/listener/80"), LoadBalancerArn: aws.String(lbArn),
			Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgArn)}},
		}},
		targetGroups: []elbtypes.TargetGroup{{TargetGroupArn: aws.String(tgArn), TargetGroupName: aws.String("shop-web"), LoadBalancerArns: []string{lbArn}}},
		targetHealths: map[string][]elbtypes.TargetHealthDescription{tgArn: {
			{Target: &elbtypes.TargetDescription{Id: aws.String("i-0aa11")}, TargetHealth: &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumUnhealthy}},
			{Target: &elbtypes.TargetDescription{Id: aws.String("i-0bb22")}, TargetHealth: &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumUnhealthy}},
		}},
	}
}
