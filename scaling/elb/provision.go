package elb

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
)

// Provisioner plans and applies LoadBalancerSpecs: every spec is
// validated and every load balancer planned before the first change;
// applying an unchanged spec changes nothing.
type Provisioner struct {
	api API
	waf WAFAPI
}

// NewProvisioner returns a provisioner over ELBv2 and WAF (an
// *elasticloadbalancingv2.Client and a *wafv2.Client); waf may be nil when
// no spec names a WebACL.
func NewProvisioner(api API, waf WAFAPI) *Provisioner { return &Provisioner{api: api, waf: waf} }

// Change is one difference between a live load balancer and its spec.
type Change struct {
	// Resource is "load balancer", "target group", "listener" or "rule".
	Resource string
	// Name names it (a rule by listener and priority).
	Name string
	// Op is "create", "modify" or "delete".
	Op string
	// Detail says what.
	Detail string
}

// String reads like "create rule HTTP:80 #20: path-pattern=/api/* -> forward api".
func (c Change) String() string {
	s := c.Op + " " + c.Resource + " " + c.Name
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

// Plan is what Apply would do to one load balancer.
type Plan struct {
	// LoadBalancer is its name.
	LoadBalancer string
	// Changes in the order Apply makes them.
	Changes []Change

	spec  LoadBalancerSpec
	lbARN string
	tgARN map[string]string
	tgs   []TargetGroupSpec // to create
	tgHC  []TargetGroupSpec // health check to modify
	ls    []*listenerPlan
	// dropListeners are live listeners the spec no longer has.
	dropListeners []string

	wafARN       string // the web ACL's ARN when it exists
	wafCreate    bool
	wafAssociate bool
}

type listenerPlan struct {
	spec     ListenerSpec
	arn      string // empty: create
	modify   bool   // default action differs
	prio     []int
	create   []int // indexes into spec.Rules
	modifyTo map[int]string
	deletes  []string
}

// Empty reports that nothing differs.
func (p *Plan) Empty() bool { return len(p.Changes) == 0 }

// String is the plan as a person reads it.
func (p *Plan) String() string {
	s := fmt.Sprintf("load balancer %s: %d changes\n", p.LoadBalancer, len(p.Changes))
	for _, c := range p.Changes {
		s += "  " + c.String() + "\n"
	}
	return s
}

// Plan validates every spec and compares it with what is live.
func (p *Provisioner) Plan(ctx context.Context, specs ...LoadBalancerSpec) ([]*Plan, error) {
	seen := map[string]bool{}
	tgSeen := map[string]string{}
	for _, s := range specs {
		if err := s.Validate(); err != nil {
			return nil, err
		}
		if seen[s.Name] {
			return nil, invalid(fmt.Sprintf("load balancer %q", s.Name), "Name", "two specs for one load balancer")
		}
		seen[s.Name] = true
		if s.WebACL != "" && p.waf == nil {
			return nil, invalid(fmt.Sprintf("load balancer %q", s.Name), "WebACL", "a web ACL needs WAF: NewProvisioner without it")
		}
		for _, tg := range s.TargetGroups {
			if other, ok := tgSeen[tg.Name]; ok {
				return nil, invalid(fmt.Sprintf("load balancer %q target group %q", s.Name, tg.Name), "Name", "also in load balancer %q: target group names are unique per region", other)
			}
			tgSeen[tg.Name] = s.Name
		}
	}
	lbs, tgs, err := p.readAll(ctx)
	if err != nil {
		return nil, err
	}
	plans := make([]*Plan, len(specs))
	for i, s := range specs {
		if plans[i], err = p.plan(ctx, s, lbs, tgs); err != nil {
			return nil, err
		}
	}
	return plans, nil
}

func (p *Provisioner) readAll(ctx context.Context) (map[string]types.LoadBalancer, map[string]types.TargetGroup, error) {
	lbs := map[string]types.LoadBalancer{}
	pl := elb.NewDescribeLoadBalancersPaginator(p.api, &elb.DescribeLoadBalancersInput{})
	for pl.HasMorePages() {
		page, err := pl.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("scaling/elb: DescribeLoadBalancers: %w", err)
		}
		for _, lb := range page.LoadBalancers {
			lbs[aws.ToString(lb.LoadBalancerName)] = lb
		}
	}
	tgs := map[string]types.TargetGroup{}
	pt := elb.NewDescribeTargetGroupsPaginator(p.api, &elb.DescribeTargetGroupsInput{})
	for pt.HasMorePages() {
		page, err := pt.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("scaling/elb: DescribeTargetGroups: %w", err)
		}
		for _, tg := range page.TargetGroups {
			tgs[aws.ToString(tg.TargetGroupName)] = tg
		}
	}
	return lbs, tgs, nil
}

func healthPath(tg TargetGroupSpec) string {
	if tg.HealthCheckPath == "" {
		return "/"
	}
	return tg.HealthCheckPath
}

func (p *Provisioner) plan(ctx context.Context, s LoadBalancerSpec, lbs map[string]types.LoadBalancer, tgs map[string]types.TargetGroup) (*Plan, error) {
	pl := &Plan{LoadBalancer: s.Name, spec: s, tgARN: map[string]string{}}
	lb, exists := lbs[s.Name]
	if exists {
		pl.lbARN = aws.ToString(lb.LoadBalancerArn)
		if string(lb.Type) != lbType(s) {
			return nil, invalid(fmt.Sprintf("load balancer %q", s.Name), "Type", "live one is %s: the type cannot change in place", lb.Type)
		}
	} else {
		pl.Changes = append(pl.Changes, Change{Resource: "load balancer", Name: s.Name, Op: "create", Detail: lbType(s)})
	}
	for _, tg := range s.TargetGroups {
		live, ok := tgs[tg.Name]
		if !ok {
			pl.tgs = append(pl.tgs, tg)
			pl.Changes = append(pl.Changes, Change{Resource: "target group", Name: tg.Name, Op: "create", Detail: fmt.Sprintf("%s:%d", tg.Protocol, tg.Port)})
			continue
		}
		pl.tgARN[tg.Name] = aws.ToString(live.TargetGroupArn)
		if (tg.Protocol == "HTTP" || tg.Protocol == "HTTPS") && aws.ToString(live.HealthCheckPath) != healthPath(tg) {
			pl.tgHC = append(pl.tgHC, tg)
			pl.Changes = append(pl.Changes, Change{Resource: "target group", Name: tg.Name, Op: "modify",
				Detail: fmt.Sprintf("health check path %s -> %s", aws.ToString(live.HealthCheckPath), healthPath(tg))})
		}
	}
	live := map[int32]types.Listener{}
	if exists {
		pg := elb.NewDescribeListenersPaginator(p.api, &elb.DescribeListenersInput{LoadBalancerArn: lb.LoadBalancerArn})
		for pg.HasMorePages() {
			page, err := pg.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("scaling/elb: load balancer %q: DescribeListeners: %w", s.Name, err)
			}
			for _, l := range page.Listeners {
				live[aws.ToInt32(l.Port)] = l
			}
		}
	}
	for port, l := range live {
		if !slices.ContainsFunc(s.Listeners, func(ls ListenerSpec) bool { return int32(ls.Port) == port }) {
			pl.dropListeners = append(pl.dropListeners, aws.ToString(l.ListenerArn))
			pl.Changes = append(pl.Changes, Change{Resource: "listener", Name: fmt.Sprintf("%s %s:%d", s.Name, l.Protocol, port), Op: "delete"})
		}
	}
	sort.Strings(pl.dropListeners)
	for _, ls := range s.Listeners {
		lp, err := p.planListener(ctx, pl, ls, live)
		if err != nil {
			return nil, err
		}
		pl.ls = append(pl.ls, lp)
	}
	if s.WebACL != "" {
		if err := p.planWAF(ctx, pl); err != nil {
			return nil, err
		}
	}
	return pl, nil
}

func (p *Provisioner) planWAF(ctx context.Context, pl *Plan) error {
	s := pl.spec
	if pl.lbARN != "" {
		out, err := p.waf.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(pl.lbARN)})
		if err != nil {
			return fmt.Errorf("scaling/elb: load balancer %q: GetWebACLForResource: %w", s.Name, err)
		}
		if out.WebACL != nil && aws.ToString(out.WebACL.Name) == s.WebACL {
			return nil
		}
	}
	arn, err := findWebACL(ctx, p.waf, s.WebACL)
	if err != nil {
		return err
	}
	pl.wafARN, pl.wafCreate, pl.wafAssociate = arn, arn == "", true
	if pl.wafCreate {
		pl.Changes = append(pl.Changes, Change{Resource: "web ACL", Name: s.WebACL, Op: "create", Detail: SQLiRuleSet + ", " + CommonRuleSet})
	}
	pl.Changes = append(pl.Changes, Change{Resource: "web ACL", Name: s.WebACL, Op: "associate", Detail: "in front of " + s.Name})
	return nil
}

// arnOrName resolves a target group for comparison: its ARN when it
// exists, else a placeholder that differs from every live ARN.
func (pl *Plan) arnOrName(name string) string {
	if arn, ok := pl.tgARN[name]; ok {
		return arn
	}
	return "(new " + name + ")"
}

func (pl *Plan) resolved() map[string]string {
	m := map[string]string{}
	for _, tg := range pl.spec.TargetGroups {
		m[tg.Name] = pl.arnOrName(tg.Name)
	}
	return m
}

func (p *Provisioner) planListener(ctx context.Context, pl *Plan, ls ListenerSpec, live map[int32]types.Listener) (*listenerPlan, error) {
	lp := &listenerPlan{spec: ls, modifyTo: map[int]string{}}
	name := fmt.Sprintf("%s %s:%d", pl.LoadBalancer, ls.Protocol, ls.Port)
	tgs := pl.resolved()
	keys := make([]string, len(ls.Rules))
	for i, r := range ls.Rules {
		keys[i] = conditionKey(conditions(r))
	}
	l, ok := live[int32(ls.Port)]
	if !ok {
		lp.prio = assignPriorities(ls.Rules, keys, nil)
		pl.Changes = append(pl.Changes, Change{Resource: "listener", Name: name, Op: "create", Detail: actionKey(actions(ls.Default, tgs))})
		for i := range ls.Rules {
			lp.create = append(lp.create, i)
			pl.Changes = append(pl.Changes, ruleChange("create", name, lp.prio[i], keys[i], actionKey(actions(ls.Rules[i].Action, tgs))))
		}
		return lp, nil
	}
	lp.arn = aws.ToString(l.ListenerArn)
	if want := actionKey(actions(ls.Default, tgs)); actionKey(l.DefaultActions) != want {
		lp.modify = true
		pl.Changes = append(pl.Changes, Change{Resource: "listener", Name: name, Op: "modify", Detail: actionKey(l.DefaultActions) + " -> " + want})
	}
	type liveRule struct {
		arn     string
		prio    int
		actions string
	}
	rules := map[string]liveRule{}
	pr := elb.NewDescribeRulesPaginator(p.api, &elb.DescribeRulesInput{ListenerArn: l.ListenerArn})
	for pr.HasMorePages() {
		page, err := pr.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scaling/elb: listener %s: DescribeRules: %w", name, err)
		}
		for _, r := range page.Rules {
			if aws.ToBool(r.IsDefault) {
				continue
			}
			n, _ := strconv.Atoi(aws.ToString(r.Priority))
			rules[conditionKey(r.Conditions)] = liveRule{arn: aws.ToString(r.RuleArn), prio: n, actions: actionKey(r.Actions)}
		}
	}
	livePrio := map[string]int{}
	for k, r := range rules {
		livePrio[k] = r.prio
	}
	lp.prio = assignPriorities(ls.Rules, keys, livePrio)
	kept := map[string]bool{}
	for i, r := range ls.Rules {
		cur, ok := rules[keys[i]]
		want := actionKey(actions(r.Action, tgs))
		switch {
		case !ok || cur.prio != lp.prio[i]:
			lp.create = append(lp.create, i)
			pl.Changes = append(pl.Changes, ruleChange("create", name, lp.prio[i], keys[i], want))
		case cur.actions != want:
			kept[keys[i]] = true
			lp.modifyTo[i] = cur.arn
			pl.Changes = append(pl.Changes, ruleChange("modify", name, lp.prio[i], keys[i], cur.actions+" -> "+want))
		default:
			kept[keys[i]] = true
		}
	}
	var gone []string
	for k, r := range rules {
		if !kept[k] {
			gone = append(gone, k)
			lp.deletes = append(lp.deletes, r.arn)
		}
	}
	sort.Strings(gone)
	sort.Strings(lp.deletes)
	for _, k := range gone {
		pl.Changes = append(pl.Changes, ruleChange("delete", name, rules[k].prio, k, rules[k].actions))
	}
	return lp, nil
}

func ruleChange(op, listener string, prio int, cond, action string) Change {
	return Change{Resource: "rule", Name: fmt.Sprintf("%s #%d", listener, prio), Op: op, Detail: cond + " -> " + action}
}
