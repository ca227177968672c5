package elb

import (
	"fmt"
	"regexp"
	"strings"
)

// Quotas and rules checked before any call (ELBv2 listener rules and
// load-balancer-limits documentation).
const (
	MinPriority         = 1
	MaxPriority         = 50000
	MaxValuesPerRule    = 5
	MaxValuesPerCond    = 3
	MaxWildcardsPerRule = 5
	MaxPatternLength    = 128
	MaxRulesPerALB      = 100
	MaxBodyLength       = 1024
	MaxNameLength       = 32
)

var (
	nameRE    = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$`)
	methodRE  = regexp.MustCompile(`^[A-Z_-]+$`)
	wafNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

func lbType(s LoadBalancerSpec) string {
	if s.Type == "" {
		return Application
	}
	return s.Type
}

// Validate checks the spec against ELBv2's rules and quotas without any call.
func (s LoadBalancerSpec) Validate() error {
	in := fmt.Sprintf("load balancer %q", s.Name)
	if len(s.Name) == 0 || len(s.Name) > MaxNameLength || !nameRE.MatchString(s.Name) || strings.HasPrefix(s.Name, "internal-") {
		return invalid(in, "Name", "want 1-32 letters, digits and inner hyphens, not starting with internal-")
	}
	typ := lbType(s)
	if typ != Application && typ != Network {
		return invalid(in, "Type", "%q is neither application nor network", s.Type)
	}
	if typ == Application && len(s.Subnets) < 2 {
		return invalid(in, "Subnets", "an ALB needs subnets in at least two availability zones, got %d", len(s.Subnets))
	}
	if typ == Network && len(s.Subnets) < 1 {
		return invalid(in, "Subnets", "none")
	}
	if s.WebACL != "" {
		if typ != Application {
			return invalid(in, "WebACL", "WAF protects ALBs, not NLBs: an NLB never parses the HTTP request a web ACL inspects")
		}
		if len(s.WebACL) > 128 || !wafNameRE.MatchString(s.WebACL) {
			return invalid(in, "WebACL", "want 1-128 letters, digits, underscores and hyphens")
		}
	}
	tgs := map[string]bool{}
	for _, tg := range s.TargetGroups {
		tin := fmt.Sprintf("%s target group %q", in, tg.Name)
		if len(tg.Name) == 0 || len(tg.Name) > MaxNameLength || !nameRE.MatchString(tg.Name) {
			return invalid(tin, "Name", "want 1-32 letters, digits and inner hyphens")
		}
		if tgs[tg.Name] {
			return invalid(tin, "Name", "twice")
		}
		tgs[tg.Name] = true
		if !protocolFits(typ, tg.Protocol) {
			return invalid(tin, "Protocol", "%q does not fit a %s load balancer", tg.Protocol, typ)
		}
		if tg.Port < 1 || tg.Port > 65535 {
			return invalid(tin, "Port", "%d outside 1-65535", tg.Port)
		}
		if tg.VPC == "" {
			return invalid(tin, "VPC", "empty")
		}
	}
	rules := 0
	ports := map[int]bool{}
	for _, l := range s.Listeners {
		lin := fmt.Sprintf("%s listener %s:%d", in, l.Protocol, l.Port)
		if !protocolFits(typ, l.Protocol) {
			return invalid(lin, "Protocol", "%q does not fit a %s load balancer", l.Protocol, typ)
		}
		if l.Port < 1 || l.Port > 65535 || ports[l.Port] {
			return invalid(lin, "Port", "outside 1-65535 or used twice")
		}
		ports[l.Port] = true
		if (l.Protocol == "HTTPS" || l.Protocol == "TLS") && l.Certificate == "" {
			return invalid(lin, "Certificate", "%s needs a certificate", l.Protocol)
		}
		if err := validateAction(lin+" default action", typ, l.Default, tgs); err != nil {
			return err
		}
		if typ == Network && len(l.Rules) > 0 {
			return invalid(lin, "Rules", "an NLB has no listener rules: it is layer 4 and forwards TCP, UDP and TLS connections without ever reading the HTTP path, host, header or method; use an ALB for path routing")
		}
		prio := map[int]int{}
		for i, r := range l.Rules {
			rin := fmt.Sprintf("%s rule #%d", lin, i+1)
			if r.Priority != 0 {
				if r.Priority < MinPriority || r.Priority > MaxPriority {
					return invalid(rin, "Priority", "%d outside %d-%d", r.Priority, MinPriority, MaxPriority)
				}
				if j, dup := prio[r.Priority]; dup {
					return invalid(rin, "Priority", "%d already used by rule #%d: priorities are unique per listener", r.Priority, j)
				}
				prio[r.Priority] = i + 1
			}
			if err := validateRule(rin, r); err != nil {
				return err
			}
			if err := validateAction(rin, typ, r.Action, tgs); err != nil {
				return err
			}
		}
		rules += len(l.Rules)
	}
	if rules > MaxRulesPerALB {
		return invalid(in, "Listeners", "%d rules: at most %d rules per ALB (a quota across all its listeners, default rules not counted)", rules, MaxRulesPerALB)
	}
	return nil
}

func protocolFits(typ, p string) bool {
	switch p {
	case "HTTP", "HTTPS":
		return typ == Application
	case "TCP", "UDP", "TLS", "TCP_UDP":
		return typ == Network
	}
	return false
}

func validateRule(in string, r RuleSpec) error {
	conds := [][]string{r.Paths, r.Hosts, r.Methods}
	for _, h := range r.Headers {
		if h.Name == "" {
			return invalid(in, "Headers", "a header condition without a name")
		}
		conds = append(conds, h.Values)
	}
	values, wild, n := 0, 0, 0
	for _, c := range conds {
		if len(c) == 0 {
			continue
		}
		n++
		if len(c) > MaxValuesPerCond {
			return invalid(in, "Conditions", "%d values in one condition: at most %d", len(c), MaxValuesPerCond)
		}
		for _, v := range c {
			if v == "" {
				return invalid(in, "Conditions", "an empty value")
			}
			if len(v) > MaxPatternLength {
				return invalid(in, "Conditions", "pattern %.20q... is %d characters: at most %d", v, len(v), MaxPatternLength)
			}
			wild += strings.Count(v, "*") + strings.Count(v, "?")
		}
		values += len(c)
	}
	for _, h := range r.Headers {
		if len(h.Values) == 0 {
			return invalid(in, "Headers", "header %q has no values", h.Name)
		}
	}
	if n == 0 {
		return invalid(in, "Conditions", "none: only the default action may match everything")
	}
	if values > MaxValuesPerRule {
		return invalid(in, "Conditions", "%d condition values: at most %d per rule", values, MaxValuesPerRule)
	}
	if wild > MaxWildcardsPerRule {
		return invalid(in, "Conditions", "%d wildcards: at most %d per rule", wild, MaxWildcardsPerRule)
	}
	for _, p := range r.Paths {
		if !strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "*") {
			return invalid(in, "Paths", "%q does not start with / or *", p)
		}
	}
	for _, m := range r.Methods {
		if !methodRE.MatchString(m) || len(m) > 40 {
			return invalid(in, "Methods", "%q is not an upper-case method name", m)
		}
	}
	return nil
}

func validateAction(in, typ string, a Action, tgs map[string]bool) error {
	n := 0
	if a.Forward != "" {
		n++
		if !tgs[a.Forward] {
			return invalid(in, "Action.Forward", "target group %q is not in the spec", a.Forward)
		}
	}
	if a.Redirect != nil {
		n++
	}
	if a.Fixed != nil {
		n++
		if a.Fixed.StatusCode < 200 || a.Fixed.StatusCode > 599 || a.Fixed.StatusCode/100 == 3 {
			return invalid(in, "Action.Fixed", "status %d is not 2XX, 4XX or 5XX", a.Fixed.StatusCode)
		}
		if len(a.Fixed.Body) > MaxBodyLength {
			return invalid(in, "Action.Fixed", "body of %d characters: at most %d", len(a.Fixed.Body), MaxBodyLength)
		}
	}
	if n != 1 {
		return invalid(in, "Action", "%d actions: each rule ends in exactly one forward, redirect or fixed-response", n)
	}
	if typ == Network && a.Forward == "" {
		return invalid(in, "Action", "an NLB can only forward")
	}
	return nil
}
