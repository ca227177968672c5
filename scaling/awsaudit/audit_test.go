package awsaudit_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling/awsaudit"
)

// must returns v, or panics (failing the test) on a setup error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// status finds the finding of check on the resource whose ARN or name
// contains name.
func status(fs []awsaudit.Finding, check, name string) (awsaudit.Finding, bool) {
	for _, f := range fs {
		if f.CheckID == check && strings.Contains(f.Resource, name) {
			return f, true
		}
	}
	return awsaudit.Finding{}, false
}

// TestAuditBothWays builds a misconfigured group and ALB on moto, checks
// each finding appears, fixes each, and checks each passes.
func TestAuditBothWays(t *testing.T) {
	cfg := testenv.PrivateMoto(t)
	ctx := context.Background()
	e, as, lbc, waf := ec2.NewFromConfig(cfg), autoscaling.NewFromConfig(cfg), elbv2.NewFromConfig(cfg), wafv2.NewFromConfig(cfg)
	apis := awsaudit.APIs{AutoScaling: as, ELB: lbc, SecurityGroups: e, WAF: waf}

	subs := must(e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}}))
	var subnets []string
	vpc := ""
	for _, s := range subs.Subnets {
		subnets, vpc = append(subnets, aws.ToString(s.SubnetId)), aws.ToString(s.VpcId)
	}
	sort.Strings(subnets)
	lt := fmt.Sprintf("audit-%d", time.Now().UnixNano())
	must(e.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(lt),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro}}))
	sg := must(e.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("shop-lb"), Description: aws.String("shop lb"), VpcId: aws.String(vpc)}))
	allOpen := []ec2types.IpPermission{{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	must(e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: allOpen}))

	lb := must(lbc.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("shop"), Subnets: subnets[:2],
		SecurityGroups: []string{aws.ToString(sg.GroupId)}, Scheme: elbtypes.LoadBalancerSchemeEnumInternetFacing})).LoadBalancers[0]
	web := must(lbc.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("shop-web"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String(vpc)})).TargetGroups[0]
	empty := must(lbc.CreateTargetGroup(ctx, &elbv2.CreateTargetGroupInput{Name: aws.String("shop-empty"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), VpcId: aws.String(vpc)})).TargetGroups[0]
	ln := must(lbc.CreateListener(ctx, &elbv2.CreateListenerInput{LoadBalancerArn: lb.LoadBalancerArn, Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: web.TargetGroupArn}}})).Listeners[0]

	must(as.CreateAutoScalingGroup(ctx, &autoscaling.CreateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"),
		LaunchTemplate: &astypes.LaunchTemplateSpecification{LaunchTemplateName: aws.String(lt), Version: aws.String("$Latest")},
		MinSize:        aws.Int32(2), MaxSize: aws.Int32(2), DesiredCapacity: aws.Int32(2), VPCZoneIdentifier: aws.String(subnets[0]),
		TargetGroupARNs: []string{aws.ToString(web.TargetGroupArn)}, HealthCheckType: aws.String("EC2")}))
	must(as.PutScalingPolicy(ctx, &autoscaling.PutScalingPolicyInput{AutoScalingGroupName: aws.String("web"), PolicyName: aws.String("cpu"),
		PolicyType: aws.String("TargetTrackingScaling"), TargetTrackingConfiguration: &astypes.TargetTrackingConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &astypes.PredefinedMetricSpecification{PredefinedMetricType: astypes.MetricTypeASGAverageCPUUtilization}}}))

	expect := []struct{ check, resource string }{
		{"scaling.asg.single_az", "web"},
		{"scaling.asg.fixed_size_with_policies", "web"},
		{"scaling.asg.no_elb_health_check", "web"},
		{"scaling.elb.http_without_https_redirect", "loadbalancer/app/shop/"},
		{"scaling.elb.security_group_all_ports", "loadbalancer/app/shop/"},
		{"scaling.elb.no_waf_sqli", "loadbalancer/app/shop/"},
		{"scaling.elb.target_group_no_healthy_targets", "targetgroup/shop-empty/"},
	}
	if len(expect) != len(awsaudit.Checks()) {
		t.Fatalf("%d checks, %d proven", len(awsaudit.Checks()), len(expect))
	}
	findings := must(awsaudit.Audit(ctx, apis))
	for _, x := range expect {
		f, ok := status(findings, x.check, x.resource)
		if !ok || f.Status != awsaudit.StatusFail {
			t.Errorf("misconfigured: %s on %s: %v %q %q; want fail", x.check, x.resource, f.Status, f.Evidence, f.Error)
		}
	}

	// Fix everything.
	must(as.UpdateAutoScalingGroup(ctx, &autoscaling.UpdateAutoScalingGroupInput{AutoScalingGroupName: aws.String("web"),
		VPCZoneIdentifier: aws.String(subnets[0] + "," + subnets[1]), MaxSize: aws.Int32(4), HealthCheckType: aws.String("ELB"), HealthCheckGracePeriod: aws.Int32(300)}))
	must(lbc.ModifyListener(ctx, &elbv2.ModifyListenerInput{ListenerArn: ln.ListenerArn, DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect,
		RedirectConfig: &elbtypes.RedirectActionConfig{Protocol: aws.String("HTTPS"), Port: aws.String("443"), StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301}}}}))
	must(e.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: allOpen}))
	must(e.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: []ec2types.IpPermission{
		{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(443), ToPort: aws.Int32(443), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}))
	g := must(as.DescribeAutoScalingGroups(ctx, &autoscaling.DescribeAutoScalingGroupsInput{AutoScalingGroupNames: []string{"web"}})).AutoScalingGroups[0]
	must(lbc.RegisterTargets(ctx, &elbv2.RegisterTargetsInput{TargetGroupArn: empty.TargetGroupArn,
		Targets: []elbtypes.TargetDescription{{Id: g.Instances[0].InstanceId, Port: aws.Int32(80)}}}))
	vis := func(n string) *waftypes.VisibilityConfig {
		return &waftypes.VisibilityConfig{MetricName: aws.String(n), CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true}
	}
	acl := must(waf.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("shop"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: vis("shop"),
		Rules: []waftypes.Rule{{Name: aws.String("sqli"), Priority: 0, OverrideAction: &waftypes.OverrideAction{None: &waftypes.NoneAction{}}, VisibilityConfig: vis("sqli"),
			Statement: &waftypes.Statement{ManagedRuleGroupStatement: &waftypes.ManagedRuleGroupStatement{VendorName: aws.String("AWS"), Name: aws.String("AWSManagedRulesSQLiRuleSet")}}}}}))
	must(waf.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: acl.Summary.ARN, ResourceArn: lb.LoadBalancerArn}))

	findings = must(awsaudit.Audit(ctx, apis))
	for _, x := range expect {
		f, ok := status(findings, x.check, x.resource)
		if !ok || f.Status != awsaudit.StatusPass {
			t.Errorf("fixed: %s on %s: %v %q %q; want pass", x.check, x.resource, f.Status, f.Evidence, f.Error)
		}
	}
}
