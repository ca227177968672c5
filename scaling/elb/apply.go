package elb

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
)

// Apply plans every spec (validating all first) and carries the plans
// out: load balancer, target groups, listeners (those no longer in the
// spec deleted first), then rules (deletions
// first, so a freed priority can be reused, then modifications, then
// creations). It returns the plans.
func (p *Provisioner) Apply(ctx context.Context, specs ...LoadBalancerSpec) ([]*Plan, error) {
	plans, err := p.Plan(ctx, specs...)
	if err != nil {
		return nil, err
	}
	for _, pl := range plans {
		if err := p.apply(ctx, pl); err != nil {
			return plans, err
		}
	}
	return plans, nil
}

// TargetGroupARNs returns the ARNs of the plan's target groups by name,
// once applied: what awsasg.GroupSpec.TargetGroupARNs attaches.
func (pl *Plan) TargetGroupARNs() map[string]string {
	out := map[string]string{}
	for k, v := range pl.tgARN {
		out[k] = v
	}
	return out
}

// ARN returns the load balancer's ARN once it exists.
func (pl *Plan) ARN() string { return pl.lbARN }

func (p *Provisioner) apply(ctx context.Context, pl *Plan) error {
	s := pl.spec
	wrap := func(op string, err error) error {
		return fmt.Errorf("scaling/elb: load balancer %q: %s: %w", s.Name, op, err)
	}
	if pl.lbARN == "" {
		in := &elb.CreateLoadBalancerInput{Name: aws.String(s.Name), Type: types.LoadBalancerTypeEnum(lbType(s)),
			Subnets: s.Subnets, Scheme: types.LoadBalancerSchemeEnumInternetFacing}
		if s.Internal {
			in.Scheme = types.LoadBalancerSchemeEnumInternal
		}
		if len(s.SecurityGroups) > 0 {
			in.SecurityGroups = s.SecurityGroups
		}
		out, err := p.api.CreateLoadBalancer(ctx, in)
		if err != nil {
			return wrap("CreateLoadBalancer", err)
		}
		pl.lbARN = aws.ToString(out.LoadBalancers[0].LoadBalancerArn)
	}
	for _, tg := range pl.tgs {
		in := &elb.CreateTargetGroupInput{Name: aws.String(tg.Name), Protocol: types.ProtocolEnum(tg.Protocol),
			Port: aws.Int32(int32(tg.Port)), VpcId: aws.String(tg.VPC), TargetType: types.TargetTypeEnumInstance}
		if tg.Protocol == "HTTP" || tg.Protocol == "HTTPS" {
			in.HealthCheckPath = aws.String(healthPath(tg))
		}
		out, err := p.api.CreateTargetGroup(ctx, in)
		if err != nil {
			return wrap("CreateTargetGroup "+tg.Name, err)
		}
		pl.tgARN[tg.Name] = aws.ToString(out.TargetGroups[0].TargetGroupArn)
	}
	for _, tg := range pl.tgHC {
		if _, err := p.api.ModifyTargetGroup(ctx, &elb.ModifyTargetGroupInput{TargetGroupArn: aws.String(pl.tgARN[tg.Name]),
			HealthCheckPath: aws.String(healthPath(tg))}); err != nil {
			return wrap("ModifyTargetGroup "+tg.Name, err)
		}
	}
	for _, arn := range pl.dropListeners {
		if _, err := p.api.DeleteListener(ctx, &elb.DeleteListenerInput{ListenerArn: aws.String(arn)}); err != nil {
			return wrap("DeleteListener "+arn, err)
		}
	}
	for _, lp := range pl.ls {
		if err := p.applyListener(ctx, pl, lp); err != nil {
			return wrap(fmt.Sprintf("listener %s:%d", lp.spec.Protocol, lp.spec.Port), err)
		}
	}
	if pl.wafCreate {
		out, err := p.waf.CreateWebACL(ctx, webACLInput(s.WebACL))
		if err != nil {
			return wrap("CreateWebACL "+s.WebACL, err)
		}
		pl.wafARN = aws.ToString(out.Summary.ARN)
	}
	if pl.wafAssociate {
		if _, err := p.waf.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: aws.String(pl.wafARN), ResourceArn: aws.String(pl.lbARN)}); err != nil {
			return wrap("AssociateWebACL "+s.WebACL, err)
		}
	}
	return nil
}

func (p *Provisioner) applyListener(ctx context.Context, pl *Plan, lp *listenerPlan) error {
	ls := lp.spec
	def := actions(ls.Default, pl.tgARN)
	if lp.arn == "" {
		in := &elb.CreateListenerInput{LoadBalancerArn: aws.String(pl.lbARN), Protocol: types.ProtocolEnum(ls.Protocol),
			Port: aws.Int32(int32(ls.Port)), DefaultActions: def}
		if ls.Certificate != "" {
			in.Certificates = []types.Certificate{{CertificateArn: aws.String(ls.Certificate)}}
		}
		out, err := p.api.CreateListener(ctx, in)
		if err != nil {
			return fmt.Errorf("CreateListener: %w", err)
		}
		lp.arn = aws.ToString(out.Listeners[0].ListenerArn)
	} else if lp.modify {
		if _, err := p.api.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(lp.arn), DefaultActions: def}); err != nil {
			return fmt.Errorf("ModifyListener: %w", err)
		}
	}
	for _, arn := range lp.deletes {
		if _, err := p.api.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: aws.String(arn)}); err != nil {
			return fmt.Errorf("DeleteRule %s: %w", arn, err)
		}
	}
	for i, r := range ls.Rules {
		arn, ok := lp.modifyTo[i]
		if !ok {
			continue
		}
		if _, err := p.api.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: aws.String(arn), Conditions: conditions(r),
			Actions: actions(r.Action, pl.tgARN)}); err != nil {
			return fmt.Errorf("ModifyRule #%d: %w", lp.prio[i], err)
		}
	}
	for _, i := range lp.create {
		r := ls.Rules[i]
		if _, err := p.api.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: aws.String(lp.arn), Priority: aws.Int32(int32(lp.prio[i])),
			Conditions: conditions(r), Actions: actions(r.Action, pl.tgARN)}); err != nil {
			return fmt.Errorf("CreateRule #%s: %w", strconv.Itoa(lp.prio[i]), err)
		}
	}
	return nil
}
