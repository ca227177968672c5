package awsaudit

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	astypes "github.com/aws/aws-sdk-go-v2/service/autoscaling/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/opskit-dev/opskit/internal/audit"
)

// groupTarget is one Auto Scaling group as read.
type groupTarget struct {
	g        astypes.AutoScalingGroup
	policies int
}

// lbTarget is one load balancer as read.
type lbTarget struct {
	lb        elbtypes.LoadBalancer
	listeners []elbtypes.Listener
	sgs       []ec2types.SecurityGroup
	sgErr     error
	acl       *waftypes.WebACL
	aclErr    error
}

// tgTarget is one target group as read.
type tgTarget struct {
	tg      elbtypes.TargetGroup
	targets []elbtypes.TargetHealthDescription
}

func check(id, title string, sev audit.Severity, rem audit.Remediation, refs ...string) audit.Check {
	return audit.Check{ID: "scaling." + id, Title: title, Severity: sev, Remediation: rem, References: refs, Tags: []string{"aws", "scaling"}}
}

func groupRule(c audit.Check, fail func(groupTarget) (string, bool)) audit.Checker[groupTarget] {
	return audit.Checker[groupTarget]{Check: c, Func: func(_ context.Context, t groupTarget) ([]Finding, error) {
		res := aws.ToString(t.g.AutoScalingGroupARN)
		if res == "" {
			res = aws.ToString(t.g.AutoScalingGroupName)
		}
		if why, bad := fail(t); bad {
			return []Finding{c.Fail(res, why)}, nil
		}
		return []Finding{c.Pass(res)}, nil
	}}
}

var groupCheckers = []audit.Checker[groupTarget]{
	groupRule(check("asg.single_az", "Auto Scaling group runs in a single availability zone", audit.SeverityMedium,
		audit.Remediation{Text: "Give the group subnets in at least two availability zones, so that losing one zone leaves capacity.",
			Command: "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> --vpc-zone-identifier <subnet-a>,<subnet-b>"},
		"prowler autoscaling_group_multiple_az"),
		func(t groupTarget) (string, bool) {
			azs := map[string]bool{}
			for _, z := range t.g.AvailabilityZones {
				azs[z] = true
			}
			return fmt.Sprintf("availability zones: %v", t.g.AvailabilityZones), len(azs) < 2
		}),
	groupRule(check("asg.fixed_size_with_policies", "Auto Scaling group has scaling policies but cannot scale (min equals max)", audit.SeverityLow,
		audit.Remediation{Text: "Raise MaxSize above MinSize, or remove the policies that can never act.",
			Command: "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> --max-size <n>"}),
		func(t groupTarget) (string, bool) {
			lo, hi := aws.ToInt32(t.g.MinSize), aws.ToInt32(t.g.MaxSize)
			return fmt.Sprintf("MinSize = MaxSize = %d with %d policies", lo, t.policies), lo == hi && t.policies > 0
		}),
	groupRule(check("asg.no_elb_health_check", "Auto Scaling group behind a load balancer does not use its health checks", audit.SeverityMedium,
		audit.Remediation{Text: "Use ELB health checks so that instances the load balancer finds unhealthy are replaced.",
			Command: "aws autoscaling update-auto-scaling-group --auto-scaling-group-name <group> --health-check-type ELB --health-check-grace-period 300"},
		"prowler autoscaling_group_elb_health_check_enabled"),
		func(t groupTarget) (string, bool) {
			behind := len(t.g.TargetGroupARNs) + len(t.g.LoadBalancerNames) + len(t.g.TrafficSources)
			typ := aws.ToString(t.g.HealthCheckType)
			return fmt.Sprintf("HealthCheckType = %s behind %d load balancer target(s)", typ, behind), behind > 0 && typ != "ELB"
		}),
}

func lbRule(c audit.Check, applies func(lbTarget) bool, fail func(lbTarget) (string, bool, error)) audit.Checker[lbTarget] {
	return audit.Checker[lbTarget]{Check: c, Func: func(_ context.Context, t lbTarget) ([]Finding, error) {
		res := aws.ToString(t.lb.LoadBalancerArn)
		if !applies(t) {
			return nil, nil
		}
		why, bad, err := fail(t)
		switch {
		case err != nil:
			return []Finding{c.Errored(res, err)}, nil
		case bad:
			return []Finding{c.Fail(res, why)}, nil
		}
		return []Finding{c.Pass(res)}, nil
	}}
}

func internetFacing(t lbTarget) bool {
	return t.lb.Scheme == elbtypes.LoadBalancerSchemeEnumInternetFacing
}

func isALB(t lbTarget) bool { return t.lb.Type == elbtypes.LoadBalancerTypeEnumApplication }

var lbCheckers = []audit.Checker[lbTarget]{
	lbRule(check("elb.http_without_https_redirect", "ALB listens on HTTP without redirecting to HTTPS", audit.SeverityMedium,
		audit.Remediation{Text: "Make the HTTP listener's default action a redirect to HTTPS (status 301) and serve on an HTTPS listener.",
			Command: `aws elbv2 modify-listener --listener-arn <listener> --default-actions 'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'`},
		"prowler elbv2_ssl_listeners"),
		isALB, func(t lbTarget) (string, bool, error) {
			var bad []string
			for _, l := range t.listeners {
				if l.Protocol != elbtypes.ProtocolEnumHttp {
					continue
				}
				redirects := false
				for _, a := range l.DefaultActions {
					if a.Type == elbtypes.ActionTypeEnumRedirect && a.RedirectConfig != nil && strings.EqualFold(aws.ToString(a.RedirectConfig.Protocol), "HTTPS") {
						redirects = true
					}
				}
				if !redirects {
					bad = append(bad, fmt.Sprintf("HTTP:%d", aws.ToInt32(l.Port)))
				}
			}
			return "listeners without a redirect to HTTPS: " + strings.Join(bad, ", "), len(bad) > 0, nil
		}),
	lbRule(check("elb.security_group_all_ports", "Internet-facing load balancer's security group allows all ports", audit.SeverityHigh,
		audit.Remediation{Text: "Allow only the listener ports (80, 443) from the internet; remove rules for all protocols or port ranges.",
			Command: "aws ec2 revoke-security-group-ingress --group-id <sg> --ip-permissions IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]"},
		"prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports"),
		internetFacing, func(t lbTarget) (string, bool, error) {
			if t.sgErr != nil {
				return "", false, t.sgErr
			}
			var bad []string
			for _, sg := range t.sgs {
				for _, p := range sg.IpPermissions {
					all := aws.ToString(p.IpProtocol) == "-1" || (aws.ToInt32(p.FromPort) <= 0 && aws.ToInt32(p.ToPort) >= 65535)
					if !all {
						continue
					}
					for _, r := range p.IpRanges {
						if aws.ToString(r.CidrIp) == "0.0.0.0/0" {
							bad = append(bad, aws.ToString(sg.GroupId)+" from 0.0.0.0/0")
						}
					}
					for _, r := range p.Ipv6Ranges {
						if aws.ToString(r.CidrIpv6) == "::/0" {
							bad = append(bad, aws.ToString(sg.GroupId)+" from ::/0")
						}
					}
				}
			}
			return "all ports open: " + strings.Join(bad, ", "), len(bad) > 0, nil
		}),
	lbRule(check("elb.no_waf_sqli", "Internet-facing ALB has no web ACL that blocks SQL injection", audit.SeverityHigh,
		audit.Remediation{Text: "Associate a regional WAF web ACL running AWSManagedRulesSQLiRuleSet (not in count mode); scaling/elb's LoadBalancerSpec.WebACL does it.",
			Command: "aws wafv2 associate-web-acl --web-acl-arn <acl> --resource-arn <alb>"},
		"prowler elbv2_waf_acl_attached"),
		func(t lbTarget) bool { return isALB(t) && internetFacing(t) }, func(t lbTarget) (string, bool, error) {
			if t.aclErr != nil {
				return "", false, t.aclErr
			}
			if t.acl == nil {
				return "no web ACL associated", true, nil
			}
			return fmt.Sprintf("web ACL %s does not block with %s", aws.ToString(t.acl.Name), "AWSManagedRulesSQLiRuleSet"), !blocksSQLi(t.acl), nil
		}),
}

// blocksSQLi reports a rule running AWS's SQL-injection group that is
// not overridden to count.
func blocksSQLi(acl *waftypes.WebACL) bool {
	for _, r := range acl.Rules {
		s := r.Statement
		if s != nil && s.ManagedRuleGroupStatement != nil && aws.ToString(s.ManagedRuleGroupStatement.Name) == "AWSManagedRulesSQLiRuleSet" &&
			(r.OverrideAction == nil || r.OverrideAction.Count == nil) {
			return true
		}
	}
	return false
}

var noHealthy = check("elb.target_group_no_healthy_targets", "Target group has no healthy target", audit.SeverityMedium,
	audit.Remediation{Text: "Attach the target group to an Auto Scaling group with running instances, or fix the health check so the targets pass it.",
		Command: "aws autoscaling attach-load-balancer-target-groups --auto-scaling-group-name <group> --target-group-arns <tg>"})

var tgCheckers = []audit.Checker[tgTarget]{{
	Check: noHealthy,
	Func: func(_ context.Context, t tgTarget) ([]Finding, error) {
		c := noHealthy
		res := aws.ToString(t.tg.TargetGroupArn)
		states := map[string]int{}
		for _, d := range t.targets {
			if d.TargetHealth != nil {
				states[string(d.TargetHealth.State)]++
			}
		}
		if states["healthy"] == 0 {
			return []Finding{c.Fail(res, fmt.Sprintf("%d targets, none healthy: %v", len(t.targets), states))}, nil
		}
		return []Finding{c.Pass(res)}, nil
	},
}}

// Checks lists every check Audit runs.
func Checks() []Check {
	var out []Check
	for _, c := range groupCheckers {
		out = append(out, c.Check)
	}
	for _, c := range lbCheckers {
		out = append(out, c.Check)
	}
	for _, c := range tgCheckers {
		out = append(out, c.Check)
	}
	return out
}
