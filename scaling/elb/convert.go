package elb

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// conditions is the API form of a rule's conditions.
func conditions(r RuleSpec) []types.RuleCondition {
	var out []types.RuleCondition
	if len(r.Paths) > 0 {
		out = append(out, types.RuleCondition{Field: aws.String("path-pattern"), PathPatternConfig: &types.PathPatternConditionConfig{Values: r.Paths}})
	}
	if len(r.Hosts) > 0 {
		out = append(out, types.RuleCondition{Field: aws.String("host-header"), HostHeaderConfig: &types.HostHeaderConditionConfig{Values: r.Hosts}})
	}
	for _, h := range r.Headers {
		out = append(out, types.RuleCondition{Field: aws.String("http-header"), HttpHeaderConfig: &types.HttpHeaderConditionConfig{HttpHeaderName: aws.String(h.Name), Values: h.Values}})
	}
	if len(r.Methods) > 0 {
		out = append(out, types.RuleCondition{Field: aws.String("http-request-method"), HttpRequestMethodConfig: &types.HttpRequestMethodConditionConfig{Values: r.Methods}})
	}
	return out
}

// conditionKey is a canonical form of conditions: a rule's identity.
func conditionKey(cs []types.RuleCondition) string {
	var parts []string
	for _, c := range cs {
		vals := c.Values
		name := aws.ToString(c.Field)
		switch {
		case c.PathPatternConfig != nil && len(c.PathPatternConfig.Values) > 0:
			vals = c.PathPatternConfig.Values
		case c.HostHeaderConfig != nil && len(c.HostHeaderConfig.Values) > 0:
			vals = c.HostHeaderConfig.Values
		case c.HttpRequestMethodConfig != nil && len(c.HttpRequestMethodConfig.Values) > 0:
			vals = c.HttpRequestMethodConfig.Values
		case c.HttpHeaderConfig != nil:
			vals = c.HttpHeaderConfig.Values
			name += ":" + strings.ToLower(aws.ToString(c.HttpHeaderConfig.HttpHeaderName))
		}
		vs := append([]string(nil), vals...)
		sort.Strings(vs)
		parts = append(parts, name+"="+strings.Join(vs, "|"))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

// actions is the API form of an action; tgARN resolves target group names.
func actions(a Action, tgARN map[string]string) []types.Action {
	switch {
	case a.Forward != "":
		return []types.Action{{Type: types.ActionTypeEnumForward, TargetGroupArn: aws.String(tgARN[a.Forward])}}
	case a.Redirect != nil:
		r := a.Redirect
		code := types.RedirectActionStatusCodeEnumHttp302
		if r.Permanent {
			code = types.RedirectActionStatusCodeEnumHttp301
		}
		cfg := &types.RedirectActionConfig{StatusCode: code}
		set := func(v string) *string {
			if v == "" {
				return nil
			}
			return aws.String(v)
		}
		cfg.Protocol, cfg.Port, cfg.Host, cfg.Path, cfg.Query = set(r.Protocol), set(r.Port), set(r.Host), set(r.Path), set(r.Query)
		return []types.Action{{Type: types.ActionTypeEnumRedirect, RedirectConfig: cfg}}
	default:
		f := a.Fixed
		return []types.Action{{Type: types.ActionTypeEnumFixedResponse, FixedResponseConfig: &types.FixedResponseActionConfig{
			StatusCode: aws.String(strconv.Itoa(f.StatusCode)), ContentType: aws.String(f.ContentType), MessageBody: aws.String(f.Body)}}}
	}
}

// actionKey is a canonical form of actions, for drift. Redirect fields
// left empty mean AWS's defaults (#{protocol}, #{port}, ...).
func actionKey(as []types.Action) string {
	var parts []string
	for _, a := range as {
		switch a.Type {
		case types.ActionTypeEnumForward:
			arn := aws.ToString(a.TargetGroupArn)
			if arn == "" && a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) == 1 {
				arn = aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn)
			}
			parts = append(parts, "forward "+arn)
		case types.ActionTypeEnumRedirect:
			r := a.RedirectConfig
			if r == nil {
				r = &types.RedirectActionConfig{}
			}
			def := func(v *string, d string) string {
				if s := aws.ToString(v); s != "" {
					return s
				}
				return d
			}
			parts = append(parts, fmt.Sprintf("redirect %s %s://%s:%s%s?%s", r.StatusCode, def(r.Protocol, "#{protocol}"),
				def(r.Host, "#{host}"), def(r.Port, "#{port}"), def(r.Path, "/#{path}"), def(r.Query, "#{query}")))
		case types.ActionTypeEnumFixedResponse:
			f := a.FixedResponseConfig
			if f == nil {
				f = &types.FixedResponseActionConfig{}
			}
			parts = append(parts, fmt.Sprintf("fixed %s %s %q", aws.ToString(f.StatusCode), aws.ToString(f.ContentType), aws.ToString(f.MessageBody)))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, "; ")
}
