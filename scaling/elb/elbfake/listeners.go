package elbfake

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func listenerNotFound() error {
	return &types.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
}

// CreateListener creates a listener (and its default rule); one port per
// load balancer.
func (e *ELB) CreateListener(_ context.Context, in *elb.CreateListenerInput, _ ...func(*elb.Options)) (*elb.CreateListenerOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	lbARN := aws.ToString(in.LoadBalancerArn)
	lb := e.lbs[lbARN]
	if lb == nil {
		return nil, &types.LoadBalancerNotFoundException{Message: aws.String("One or more load balancers not found")}
	}
	for _, l := range e.listeners {
		if aws.ToString(l.LoadBalancerArn) == lbARN && aws.ToInt32(l.Port) == aws.ToInt32(in.Port) {
			return nil, &types.DuplicateListenerException{Message: aws.String("A listener already exists on this port for this load balancer")}
		}
	}
	if err := e.checkActions(in.DefaultActions); err != nil {
		return nil, err
	}
	arn := e.arn("listener/app", aws.ToString(lb.LoadBalancerName))
	l := &types.Listener{ListenerArn: aws.String(arn), LoadBalancerArn: aws.String(lbARN), Port: in.Port, Protocol: in.Protocol,
		DefaultActions: slices.Clone(in.DefaultActions), Certificates: in.Certificates}
	e.listeners[arn] = l
	return &elb.CreateListenerOutput{Listeners: []types.Listener{*l}}, nil
}

// DescribeListeners lists the listeners of a load balancer, or by ARN.
func (e *ELB) DescribeListeners(_ context.Context, in *elb.DescribeListenersInput, _ ...func(*elb.Options)) (*elb.DescribeListenersOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in.LoadBalancerArn != nil && e.lbs[aws.ToString(in.LoadBalancerArn)] == nil {
		return nil, &types.LoadBalancerNotFoundException{Message: aws.String("One or more load balancers not found")}
	}
	out := &elb.DescribeListenersOutput{}
	for _, arn := range sortedKeys(e.listeners) {
		l := e.listeners[arn]
		if (in.LoadBalancerArn != nil && aws.ToString(l.LoadBalancerArn) != aws.ToString(in.LoadBalancerArn)) ||
			(len(in.ListenerArns) > 0 && !slices.Contains(in.ListenerArns, arn)) {
			continue
		}
		out.Listeners = append(out.Listeners, *l)
	}
	if len(in.ListenerArns) > len(out.Listeners) {
		return nil, listenerNotFound()
	}
	return out, nil
}

// ModifyListener changes a listener's default actions.
func (e *ELB) ModifyListener(_ context.Context, in *elb.ModifyListenerInput, _ ...func(*elb.Options)) (*elb.ModifyListenerOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	l := e.listeners[aws.ToString(in.ListenerArn)]
	if l == nil {
		return nil, listenerNotFound()
	}
	if in.DefaultActions != nil {
		if err := e.checkActions(in.DefaultActions); err != nil {
			return nil, err
		}
		l.DefaultActions = slices.Clone(in.DefaultActions)
	}
	return &elb.ModifyListenerOutput{Listeners: []types.Listener{*l}}, nil
}

// DeleteListener deletes a listener and its rules.
func (e *ELB) DeleteListener(_ context.Context, in *elb.DeleteListenerInput, _ ...func(*elb.Options)) (*elb.DeleteListenerOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	arn := aws.ToString(in.ListenerArn)
	if e.listeners[arn] == nil {
		return nil, listenerNotFound()
	}
	e.dropListener(arn)
	return &elb.DeleteListenerOutput{}, nil
}

func (e *ELB) dropListener(arn string) {
	for ra, la := range e.ruleOf {
		if la == arn {
			delete(e.rules, ra)
			delete(e.ruleOf, ra)
		}
	}
	delete(e.listeners, arn)
}
