package elbfake

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	opselb "github.com/opskit-dev/opskit/scaling/elb"
)

var (
	_ opselb.API       = (*ELB)(nil)
	_ opselb.DeleteAPI = (*ELB)(nil)
)

const arnPrefix = "arn:aws:elasticloadbalancing:us-east-1:123456789012:"

// ELB is the in-memory service. Safe for concurrent use.
type ELB struct {
	mu        sync.Mutex
	next      int
	lbs       map[string]*types.LoadBalancer // by ARN
	tgs       map[string]*types.TargetGroup
	listeners map[string]*types.Listener
	rules     map[string]*types.Rule
	ruleOf    map[string]string // rule ARN -> listener ARN
}

// New returns an empty service.
func New() *ELB {
	return &ELB{lbs: map[string]*types.LoadBalancer{}, tgs: map[string]*types.TargetGroup{},
		listeners: map[string]*types.Listener{}, rules: map[string]*types.Rule{}, ruleOf: map[string]string{}}
}

func (e *ELB) arn(kind, name string) string {
	e.next++
	return fmt.Sprintf("%s%s/%s/%016x", arnPrefix, kind, name, e.next)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// CreateLoadBalancer creates an ALB (the default) or an NLB.
func (e *ELB) CreateLoadBalancer(_ context.Context, in *elb.CreateLoadBalancerInput, _ ...func(*elb.Options)) (*elb.CreateLoadBalancerOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := aws.ToString(in.Name)
	for _, lb := range e.lbs {
		if aws.ToString(lb.LoadBalancerName) == name {
			return nil, &types.DuplicateLoadBalancerNameException{Message: aws.String("A load balancer with the same name '" + name + "' exists, but with different settings")}
		}
	}
	typ := in.Type
	if typ == "" {
		typ = types.LoadBalancerTypeEnumApplication
	}
	if typ == types.LoadBalancerTypeEnumApplication && len(in.Subnets) < 2 {
		return nil, &types.SubnetNotFoundException{Message: aws.String("At least two subnets in two different Availability Zones must be specified")}
	}
	kind := "app"
	if typ == types.LoadBalancerTypeEnumNetwork {
		kind = "net"
	}
	arn := e.arn("loadbalancer/"+kind, name)
	var zones []types.AvailabilityZone
	for _, s := range in.Subnets {
		zones = append(zones, types.AvailabilityZone{SubnetId: aws.String(s)})
	}
	lb := &types.LoadBalancer{LoadBalancerArn: aws.String(arn), LoadBalancerName: aws.String(name), Type: typ, Scheme: in.Scheme,
		SecurityGroups: in.SecurityGroups, AvailabilityZones: zones, DNSName: aws.String(name + ".us-east-1.elb.amazonaws.com"),
		State: &types.LoadBalancerState{Code: types.LoadBalancerStateEnumActive}}
	e.lbs[arn] = lb
	return &elb.CreateLoadBalancerOutput{LoadBalancers: []types.LoadBalancer{*lb}}, nil
}

// DescribeLoadBalancers lists load balancers, or the named ones (a name
// that does not exist is LoadBalancerNotFoundException).
func (e *ELB) DescribeLoadBalancers(_ context.Context, in *elb.DescribeLoadBalancersInput, _ ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := &elb.DescribeLoadBalancersOutput{}
	found := map[string]bool{}
	for _, arn := range sortedKeys(e.lbs) {
		lb := e.lbs[arn]
		name := aws.ToString(lb.LoadBalancerName)
		if (len(in.Names) > 0 && !slices.Contains(in.Names, name)) || (len(in.LoadBalancerArns) > 0 && !slices.Contains(in.LoadBalancerArns, arn)) {
			continue
		}
		found[name] = true
		out.LoadBalancers = append(out.LoadBalancers, *lb)
	}
	for _, n := range in.Names {
		if !found[n] {
			return nil, &types.LoadBalancerNotFoundException{Message: aws.String("One or more load balancers not found")}
		}
	}
	return out, nil
}

// DeleteLoadBalancer deletes a load balancer with its listeners and rules.
func (e *ELB) DeleteLoadBalancer(_ context.Context, in *elb.DeleteLoadBalancerInput, _ ...func(*elb.Options)) (*elb.DeleteLoadBalancerOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	arn := aws.ToString(in.LoadBalancerArn)
	if e.lbs[arn] == nil {
		return &elb.DeleteLoadBalancerOutput{}, nil // as AWS: deleting a deleted load balancer succeeds
	}
	for la, l := range e.listeners {
		if aws.ToString(l.LoadBalancerArn) == arn {
			e.dropListener(la)
		}
	}
	delete(e.lbs, arn)
	return &elb.DeleteLoadBalancerOutput{}, nil
}

// CreateTargetGroup creates a target group; its name is unique.
func (e *ELB) CreateTargetGroup(_ context.Context, in *elb.CreateTargetGroupInput, _ ...func(*elb.Options)) (*elb.CreateTargetGroupOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name := aws.ToString(in.Name)
	for _, tg := range e.tgs {
		if aws.ToString(tg.TargetGroupName) == name {
			return nil, &types.DuplicateTargetGroupNameException{Message: aws.String("A target group with the same name '" + name + "' exists, but with different settings")}
		}
	}
	arn := e.arn("targetgroup", name)
	hc := in.HealthCheckPath
	if hc == nil && (in.Protocol == types.ProtocolEnumHttp || in.Protocol == types.ProtocolEnumHttps) {
		hc = aws.String("/")
	}
	tg := &types.TargetGroup{TargetGroupArn: aws.String(arn), TargetGroupName: aws.String(name), Protocol: in.Protocol, Port: in.Port,
		VpcId: in.VpcId, HealthCheckPath: hc, TargetType: in.TargetType}
	e.tgs[arn] = tg
	return &elb.CreateTargetGroupOutput{TargetGroups: []types.TargetGroup{*tg}}, nil
}

// DescribeTargetGroups lists target groups, or the named ones, or those of
// a load balancer.
func (e *ELB) DescribeTargetGroups(_ context.Context, in *elb.DescribeTargetGroupsInput, _ ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := &elb.DescribeTargetGroupsOutput{}
	found := map[string]bool{}
	for _, arn := range sortedKeys(e.tgs) {
		tg := *e.tgs[arn]
		name := aws.ToString(tg.TargetGroupName)
		tg.LoadBalancerArns = e.usersOf(arn)
		if (len(in.Names) > 0 && !slices.Contains(in.Names, name)) || (len(in.TargetGroupArns) > 0 && !slices.Contains(in.TargetGroupArns, arn)) ||
			(in.LoadBalancerArn != nil && !slices.Contains(tg.LoadBalancerArns, aws.ToString(in.LoadBalancerArn))) {
			continue
		}
		found[name] = true
		out.TargetGroups = append(out.TargetGroups, tg)
	}
	for _, n := range in.Names {
		if !found[n] {
			return nil, &types.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
		}
	}
	return out, nil
}

// usersOf returns the load balancers whose listeners or rules forward to
// the target group.
func (e *ELB) usersOf(tgARN string) []string {
	var out []string
	add := func(listener string, as []types.Action) {
		for _, a := range as {
			if aws.ToString(a.TargetGroupArn) == tgARN {
				lb := aws.ToString(e.listeners[listener].LoadBalancerArn)
				if !slices.Contains(out, lb) {
					out = append(out, lb)
				}
			}
		}
	}
	for la, l := range e.listeners {
		add(la, l.DefaultActions)
	}
	for ra, r := range e.rules {
		add(e.ruleOf[ra], r.Actions)
	}
	sort.Strings(out)
	return out
}

// ModifyTargetGroup changes the health check path.
func (e *ELB) ModifyTargetGroup(_ context.Context, in *elb.ModifyTargetGroupInput, _ ...func(*elb.Options)) (*elb.ModifyTargetGroupOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	tg := e.tgs[aws.ToString(in.TargetGroupArn)]
	if tg == nil {
		return nil, &types.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
	}
	if in.HealthCheckPath != nil {
		tg.HealthCheckPath = in.HealthCheckPath
	}
	return &elb.ModifyTargetGroupOutput{TargetGroups: []types.TargetGroup{*tg}}, nil
}

// DeleteTargetGroup deletes a target group no listener or rule forwards to.
func (e *ELB) DeleteTargetGroup(_ context.Context, in *elb.DeleteTargetGroupInput, _ ...func(*elb.Options)) (*elb.DeleteTargetGroupOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	arn := aws.ToString(in.TargetGroupArn)
	if e.tgs[arn] == nil {
		return nil, &types.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
	}
	if users := e.usersOf(arn); len(users) > 0 {
		return nil, &types.ResourceInUseException{Message: aws.String("Target group '" + arn + "' is currently in use by a listener or a rule")}
	}
	delete(e.tgs, arn)
	return &elb.DeleteTargetGroupOutput{}, nil
}

// checkActions checks that forwarded-to target groups exist.
func (e *ELB) checkActions(as []types.Action) error {
	for _, a := range as {
		if a.Type == types.ActionTypeEnumForward && e.tgs[aws.ToString(a.TargetGroupArn)] == nil {
			return &types.TargetGroupNotFoundException{Message: aws.String("Target group '" + aws.ToString(a.TargetGroupArn) + "' not found")}
		}
	}
	return nil
}

func priority(n int32) string { return strconv.Itoa(int(n)) }
