package elb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

// The WAF operations used, one interface each.
type (
	// CreateWebACLAPI creates web ACLs.
	CreateWebACLAPI interface {
		CreateWebACL(context.Context, *wafv2.CreateWebACLInput, ...func(*wafv2.Options)) (*wafv2.CreateWebACLOutput, error)
	}
	// AssociateWebACLAPI puts a web ACL in front of a load balancer.
	AssociateWebACLAPI interface {
		AssociateWebACL(context.Context, *wafv2.AssociateWebACLInput, ...func(*wafv2.Options)) (*wafv2.AssociateWebACLOutput, error)
	}
	// GetWebACLForResourceAPI reads the web ACL in front of a load balancer.
	GetWebACLForResourceAPI interface {
		GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error)
	}
	// ListWebACLsAPI finds web ACLs by name.
	ListWebACLsAPI interface {
		ListWebACLs(context.Context, *wafv2.ListWebACLsInput, ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
	}
)

// WAFAPI is what a Provisioner needs of WAF; *wafv2.Client satisfies it.
type WAFAPI interface {
	CreateWebACLAPI
	AssociateWebACLAPI
	GetWebACLForResourceAPI
	ListWebACLsAPI
}

var _ WAFAPI = (*wafv2.Client)(nil)

// The AWS managed rule groups a spec's web ACL carries.
const (
	SQLiRuleSet   = "AWSManagedRulesSQLiRuleSet"
	CommonRuleSet = "AWSManagedRulesCommonRuleSet"
)

// webACLInput is a regional web ACL that allows by default and runs AWS's
// SQL-injection and common rule groups, blocking what they match.
func webACLInput(name string) *wafv2.CreateWebACLInput {
	vis := func(metric string) *waftypes.VisibilityConfig {
		return &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: aws.String(metric)}
	}
	in := &wafv2.CreateWebACLInput{
		Name: aws.String(name), Scope: waftypes.ScopeRegional,
		DefaultAction:    &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}},
		VisibilityConfig: vis(name),
		Description:      aws.String("opskit: AWS managed SQL-injection and common rule sets"),
	}
	for i, group := range []string{SQLiRuleSet, CommonRuleSet} {
		in.Rules = append(in.Rules, waftypes.Rule{
			Name: aws.String(group), Priority: int32(i),
			Statement:        &waftypes.Statement{ManagedRuleGroupStatement: &waftypes.ManagedRuleGroupStatement{VendorName: aws.String("AWS"), Name: aws.String(group)}},
			OverrideAction:   &waftypes.OverrideAction{None: &waftypes.NoneAction{}},
			VisibilityConfig: vis(group),
		})
	}
	return in
}

// BlocksSQLi reports whether a web ACL runs AWS's SQL-injection rule
// group without overriding its actions to count.
func BlocksSQLi(acl *waftypes.WebACL) bool {
	if acl == nil {
		return false
	}
	for _, r := range acl.Rules {
		s := r.Statement
		if s == nil || s.ManagedRuleGroupStatement == nil || aws.ToString(s.ManagedRuleGroupStatement.Name) != SQLiRuleSet {
			continue
		}
		if r.OverrideAction == nil || r.OverrideAction.Count == nil {
			return true
		}
	}
	return false
}

// findWebACL returns the ARN of the regional web ACL called name, or "".
func findWebACL(ctx context.Context, api ListWebACLsAPI, name string) (string, error) {
	in := &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(100)}
	for {
		out, err := api.ListWebACLs(ctx, in)
		if err != nil {
			return "", fmt.Errorf("scaling/elb: ListWebACLs: %w", err)
		}
		for _, a := range out.WebACLs {
			if aws.ToString(a.Name) == name {
				return aws.ToString(a.ARN), nil
			}
		}
		if aws.ToString(out.NextMarker) == "" || len(out.WebACLs) == 0 {
			return "", nil
		}
		in.NextMarker = out.NextMarker
	}
}
