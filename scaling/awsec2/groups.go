package awsec2

import (
	"fmt"
	"net/netip"
	"strings"
)

// SecurityGroupSpec is a security group as code: its ingress rules, exactly.
// Egress is left as EC2 makes it (all traffic out).
type SecurityGroupSpec struct {
	// Name is the group's name in its VPC (not starting with "sg-").
	Name string
	// Description is fixed at creation; empty is "managed by opskit".
	Description string
	// Ingress are the rules; rules on the live group that are not here
	// are revoked.
	Ingress []Rule
}

// Rule allows one protocol and port range in, from CIDR blocks and from
// security groups.
type Rule struct {
	// Protocol is tcp, udp, icmp or all.
	Protocol string
	// FromPort and ToPort bound the ports; ToPort 0 means FromPort.
	// For icmp they are the type and code, 0 meaning any. Ignored for all.
	FromPort, ToPort int32
	// CIDRs are IPv4 blocks such as 10.0.0.0/16 or 0.0.0.0/0.
	CIDRs []string
	// Groups are the names of other groups of the same set, or group IDs
	// (sg-...), whose members may connect.
	Groups []string
}

// Change is one difference between the live resources and their specs.
type Change struct {
	// Resource is "security group", "rule" or "launch template".
	Resource string
	// Name names it.
	Name string
	// Op is "create", "delete", "authorize", "revoke" or "new version".
	Op string
	// Detail says what.
	Detail string
}

// String reads like "authorize rule web: tcp 443 from 0.0.0.0/0".
func (c Change) String() string {
	s := c.Op + " " + c.Resource + " " + c.Name
	if c.Detail != "" {
		s += ": " + c.Detail
	}
	return s
}

const defaultDescription = "managed by opskit"

func sgInput(name string) string { return fmt.Sprintf("security group %q", name) }

// validateGroups checks every spec without any call.
func validateGroups(specs []SecurityGroupSpec) error {
	names := map[string]bool{}
	for _, s := range specs {
		if s.Name == "" {
			return invalid("security group", "Name", "empty")
		}
		if len(s.Name) > 255 || strings.HasPrefix(s.Name, "sg-") {
			return invalid(sgInput(s.Name), "Name", "at most 255 characters, not starting with sg-")
		}
		if names[s.Name] {
			return invalid(sgInput(s.Name), "Name", "two specs for one group")
		}
		names[s.Name] = true
	}
	for _, s := range specs {
		for i, r := range s.Ingress {
			in := fmt.Sprintf("security group %q rule #%d", s.Name, i+1)
			switch r.Protocol {
			case "tcp", "udp":
				if r.FromPort < 0 || r.FromPort > 65535 || r.ToPort < 0 || r.ToPort > 65535 || (r.ToPort != 0 && r.ToPort < r.FromPort) {
					return invalid(in, "FromPort", "ports %d-%d: want 0 <= from <= to <= 65535", r.FromPort, r.ToPort)
				}
			case "icmp", "all":
			default:
				return invalid(in, "Protocol", "%q: want tcp, udp, icmp or all", r.Protocol)
			}
			if len(r.CIDRs) == 0 && len(r.Groups) == 0 {
				return invalid(in, "CIDRs", "a rule needs a CIDR block or a group to allow")
			}
			for _, c := range r.CIDRs {
				p, err := netip.ParsePrefix(c)
				if err != nil || !p.Addr().Is4() || p.Masked() != p {
					return invalid(in, "CIDRs", "%q is not an IPv4 network such as 10.0.0.0/16", c)
				}
			}
			for _, g := range r.Groups {
				if !names[g] && !strings.HasPrefix(g, "sg-") {
					return invalid(in, "Groups", "%q is neither a group of this set nor a group ID", g)
				}
			}
		}
	}
	return nil
}

// perm is one flattened permission: a protocol, a port range and one
// source (a CIDR block or a group ID).
type perm struct {
	proto    string
	from, to int32
	cidr     string
	group    string
}

func (p perm) key() string {
	src := p.cidr
	if p.group != "" {
		src = p.group
	}
	if p.proto == "-1" {
		return "all from " + src
	}
	ports := fmt.Sprint(p.from)
	if p.to != p.from {
		ports += fmt.Sprintf("-%d", p.to)
	}
	return p.proto + " " + ports + " from " + src
}

// perms flattens a rule, with group names resolved by id (a name not made
// yet stays "(new NAME)").
func (r Rule) perms(id func(string) string) []perm {
	proto, from, to := r.Protocol, r.FromPort, r.ToPort
	switch proto {
	case "all":
		proto, from, to = "-1", 0, 0
	case "icmp":
		if to == 0 {
			to = -1
		}
		if from == 0 {
			from = -1
		}
	default:
		if to == 0 {
			to = from
		}
	}
	var out []perm
	for _, c := range r.CIDRs {
		out = append(out, perm{proto: proto, from: from, to: to, cidr: c})
	}
	for _, g := range r.Groups {
		out = append(out, perm{proto: proto, from: from, to: to, group: id(g)})
	}
	return out
}
