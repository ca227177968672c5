package elbfake

import (
	"context"
	"slices"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func ruleNotFound() error {
	return &types.RuleNotFoundException{Message: aws.String("One or more rules not found")}
}

// CreateRule adds a rule to a listener at a free priority.
func (e *ELB) CreateRule(_ context.Context, in *elb.CreateRuleInput, _ ...func(*elb.Options)) (*elb.CreateRuleOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	la := aws.ToString(in.ListenerArn)
	l := e.listeners[la]
	if l == nil {
		return nil, listenerNotFound()
	}
	p := aws.ToInt32(in.Priority)
	if p < 1 || p > 50000 {
		return nil, &types.InvalidConfigurationRequestException{Message: aws.String("Priority must be between 1 and 50000")}
	}
	for ra, r := range e.rules {
		if e.ruleOf[ra] == la && aws.ToString(r.Priority) == priority(p) {
			return nil, &types.PriorityInUseException{Message: aws.String("Priority '" + priority(p) + "' is currently in use")}
		}
	}
	if len(in.Conditions) == 0 {
		return nil, &types.InvalidConfigurationRequestException{Message: aws.String("A rule must have at least one condition")}
	}
	if err := e.checkActions(in.Actions); err != nil {
		return nil, err
	}
	arn := e.arn("listener-rule/app", strconv.Itoa(e.next))
	r := &types.Rule{RuleArn: aws.String(arn), Priority: aws.String(priority(p)), Conditions: slices.Clone(in.Conditions),
		Actions: slices.Clone(in.Actions), IsDefault: aws.Bool(false)}
	e.rules[arn] = r
	e.ruleOf[arn] = la
	return &elb.CreateRuleOutput{Rules: []types.Rule{*r}}, nil
}

// DescribeRules lists a listener's rules, its default rule last.
func (e *ELB) DescribeRules(_ context.Context, in *elb.DescribeRulesInput, _ ...func(*elb.Options)) (*elb.DescribeRulesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := &elb.DescribeRulesOutput{}
	if la := aws.ToString(in.ListenerArn); la != "" {
		l := e.listeners[la]
		if l == nil {
			return nil, listenerNotFound()
		}
		for _, ra := range sortedKeys(e.rules) {
			if e.ruleOf[ra] == la {
				out.Rules = append(out.Rules, *e.rules[ra])
			}
		}
		slices.SortFunc(out.Rules, func(a, b types.Rule) int {
			x, _ := strconv.Atoi(aws.ToString(a.Priority))
			y, _ := strconv.Atoi(aws.ToString(b.Priority))
			return x - y
		})
		out.Rules = append(out.Rules, types.Rule{RuleArn: aws.String(la + "/default"), Priority: aws.String("default"),
			IsDefault: aws.Bool(true), Actions: slices.Clone(l.DefaultActions)})
		return out, nil
	}
	for _, ra := range in.RuleArns {
		r := e.rules[ra]
		if r == nil {
			return nil, ruleNotFound()
		}
		out.Rules = append(out.Rules, *r)
	}
	return out, nil
}

// ModifyRule replaces a rule's conditions and actions.
func (e *ELB) ModifyRule(_ context.Context, in *elb.ModifyRuleInput, _ ...func(*elb.Options)) (*elb.ModifyRuleOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := e.rules[aws.ToString(in.RuleArn)]
	if r == nil {
		return nil, ruleNotFound()
	}
	if err := e.checkActions(in.Actions); err != nil {
		return nil, err
	}
	if in.Conditions != nil {
		r.Conditions = slices.Clone(in.Conditions)
	}
	if in.Actions != nil {
		r.Actions = slices.Clone(in.Actions)
	}
	return &elb.ModifyRuleOutput{Rules: []types.Rule{*r}}, nil
}

// DeleteRule deletes a rule (not a default rule).
func (e *ELB) DeleteRule(_ context.Context, in *elb.DeleteRuleInput, _ ...func(*elb.Options)) (*elb.DeleteRuleOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	arn := aws.ToString(in.RuleArn)
	if e.rules[arn] == nil {
		return nil, ruleNotFound()
	}
	delete(e.rules, arn)
	delete(e.ruleOf, arn)
	return &elb.DeleteRuleOutput{}, nil
}
