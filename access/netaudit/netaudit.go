// Package netaudit audits AWS networks the way an attacker would find
// them: EC2 security groups that admit an open range (any CIDR covering
// more than a configurable share of public address space, IPv4 and IPv6)
// to a table of sensitive service ports or to all ports; rules naming a
// wide public range short of the whole internet, ingress or egress;
// database ports reachable from more than the application's security
// groups (references between security groups resolved); default groups
// with rules; and VPCs without flow logs. Audit reads through EC2API, the
// three EC2 operations it uses, and returns access's finding model
// (access.Finding; write an access.Report as table, JSON, SARIF, JUnit or HTML).
// It is its own package so that a program granting SSH access through
// access does not compile the AWS SDK.
package netaudit

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/internal/audit"
)

// EC2API is the part of the EC2 API the network audit calls; *ec2.Client
// implements it.
type EC2API interface {
	ec2.DescribeSecurityGroupsAPIClient
	ec2.DescribeVpcsAPIClient
	ec2.DescribeFlowLogsAPIClient
}

var _ EC2API = (*ec2.Client)(nil)

// Options selects what the network audit inspects and what counts as open.
type Options struct {
	// VpcIDs limits the audit to these VPCs; empty means every VPC.
	VpcIDs []string
	// OpenPrefix4 sets when an IPv4 range in a rule counts as open to the
	// internet: when it covers more internet-routable addresses than one
	// /OpenPrefix4 network, so 0.0.0.0/0, either half of it and any wide
	// public range count, and private ranges of any width do not. 1 to
	// 32; default 16.
	OpenPrefix4 int
	// OpenPrefix6 is OpenPrefix4 for IPv6 ranges, counting the global
	// unicast space (2000::/3 without the documentation prefix). 1 to
	// 128; default 32.
	OpenPrefix6 int
	// Services is the port table, one check per service; nil means
	// DefaultServices().
	Services []Service
	// Database, when set, checks that the database ports admit only the
	// application's security groups.
	Database *DatabaseAccess
}

type networkTarget struct {
	groups   []types.SecurityGroup
	byID     map[string]types.SecurityGroup
	vpcs     []types.Vpc
	flowLogs map[string]bool
	prefix4  int
	prefix6  int
	db       *dbRule
}

func sgResource(g types.SecurityGroup) string {
	return fmt.Sprintf("security group %s (%s) in %s", aws.ToString(g.GroupId), aws.ToString(g.GroupName), aws.ToString(g.VpcId))
}

func perGroup(c access.Check, bad func(*networkTarget, types.SecurityGroup) string) audit.Checker[*networkTarget] {
	c.Tags = append([]string{"aws", "network"}, c.Tags...)
	return audit.Checker[*networkTarget]{Check: c, Func: func(_ context.Context, t *networkTarget) ([]access.Finding, error) {
		var out []access.Finding
		for _, g := range t.groups {
			if ev := bad(t, g); ev != "" {
				out = append(out, c.Fail(sgResource(g), ev))
			} else {
				out = append(out, c.Pass(sgResource(g)))
			}
		}
		return out, nil
	}}
}

// serviceChecker fails a group with an ingress rule from an open range
// that covers one of s's ports.
func serviceChecker(s Service) audit.Checker[*networkTarget] {
	return perGroup(access.Check{ID: s.CheckID, Title: fmt.Sprintf("security group opens %s (%s) to the internet", s.Name, s.portList()), Severity: s.Severity,
		Remediation: access.Remediation{Text: fmt.Sprintf("Restrict ingress on %s to known networks, a bastion, a VPN or the security groups that need it.", s.portList())},
		References:  s.References},
		func(t *networkTarget, g types.SecurityGroup) string {
			var ev []string
			for _, p := range g.IpPermissions {
				w := t.openRanges(p)
				if len(w) == 0 {
					continue
				}
				hit := slices.ContainsFunc(s.TCP, func(port int32) bool { return covers(p, "tcp", port) }) ||
					slices.ContainsFunc(s.UDP, func(port int32) bool { return covers(p, "udp", port) })
				if hit {
					ev = append(ev, describePerm(p, w))
				}
			}
			return strings.Join(ev, "; ")
		})
}

func networkCheckers(services []Service) []audit.Checker[*networkTarget] {
	var cs []audit.Checker[*networkTarget]
	for _, s := range services {
		cs = append(cs, serviceChecker(s))
	}
	cs = append(cs,
		perGroup(access.Check{ID: "access.network.sg.open_all_ports", Title: "security group opens all ports to the internet", Severity: access.SeverityCritical,
			Remediation: access.Remediation{Text: "Remove the all-traffic ingress rule; open only the ports the service needs."},
			References:  []string{"Prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports"}},
			func(t *networkTarget, g types.SecurityGroup) string {
				var ev []string
				for _, p := range g.IpPermissions {
					if w := t.openRanges(p); len(w) > 0 && allPorts(p) {
						ev = append(ev, describePerm(p, w))
					}
				}
				return strings.Join(ev, "; ")
			}),
		perGroup(access.Check{ID: "access.network.sg.wide_public_range", Title: "security group rule names a wide public range short of the whole internet", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: "Narrow the range to the networks meant (a /24 of an office, a VPN's addresses); a /1 to /15 of public space is the internet in all but name."},
			References:  []string{"Prowler ec2_securitygroup_allow_wide_open_public_ipv4"}},
			func(t *networkTarget, g types.SecurityGroup) string {
				var ev []string
				for _, d := range []struct {
					dir   string
					perms []types.IpPermission
				}{{"from", g.IpPermissions}, {"to", g.IpPermissionsEgress}} {
					for _, p := range d.perms {
						var wide []string
						for _, c := range t.openRanges(p) {
							if c != "0.0.0.0/0" && c != "::/0" {
								wide = append(wide, c)
							}
						}
						if len(wide) > 0 {
							ev = append(ev, describeDir(p, d.dir, wide))
						}
					}
				}
				return strings.Join(ev, "; ")
			}),
		databaseChecker(),
		audit.Checker[*networkTarget]{Check: access.Check{ID: "access.network.sg.default_has_rules", Title: "default security group has rules", Severity: access.SeverityHigh,
			Remediation: access.Remediation{Text: "Remove every ingress and egress rule from default security groups and use purpose-made groups."},
			References:  []string{"CIS AWS Foundations 5.4", "Prowler ec2_securitygroup_default_restrict_traffic"}, Tags: []string{"aws", "network", "cis"}},
			Func: func(_ context.Context, t *networkTarget) ([]access.Finding, error) {
				c := access.Check{ID: "access.network.sg.default_has_rules"}
				var out []access.Finding
				for _, g := range t.groups {
					if aws.ToString(g.GroupName) != "default" {
						continue
					}
					if n, m := len(g.IpPermissions), len(g.IpPermissionsEgress); n+m > 0 {
						out = append(out, c.Fail(sgResource(g), fmt.Sprintf("%d ingress and %d egress rules", n, m)))
					} else {
						out = append(out, c.Pass(sgResource(g)))
					}
				}
				return out, nil
			}},
		audit.Checker[*networkTarget]{Check: access.Check{ID: "access.network.vpc.flow_logs", Title: "VPC has no flow logs", Severity: access.SeverityMedium,
			Remediation: access.Remediation{Text: "Enable VPC flow logs to CloudWatch Logs or S3.", Command: "aws ec2 create-flow-logs --resource-type VPC --resource-ids VPC_ID --traffic-type ALL ..."},
			References:  []string{"CIS AWS Foundations 3.9", "Prowler vpc_flow_logs_enabled"}, Tags: []string{"aws", "network", "cis"}},
			Func: func(_ context.Context, t *networkTarget) ([]access.Finding, error) {
				c := access.Check{ID: "access.network.vpc.flow_logs"}
				var out []access.Finding
				for _, v := range t.vpcs {
					res := "vpc " + aws.ToString(v.VpcId)
					if t.flowLogs[aws.ToString(v.VpcId)] {
						out = append(out, c.Pass(res))
					} else {
						out = append(out, c.Fail(res, "no active flow log"))
					}
				}
				return out, nil
			}},
	)
	return cs
}

// Checks returns the checks Audit runs with the default port table.
func Checks() []access.Check {
	var out []access.Check
	for _, c := range networkCheckers(DefaultServices()) {
		out = append(out, c.Check)
	}
	return out
}

func (o Options) target() (*networkTarget, []Service, error) {
	t := &networkTarget{flowLogs: map[string]bool{}, byID: map[string]types.SecurityGroup{}, prefix4: o.OpenPrefix4, prefix6: o.OpenPrefix6}
	if t.prefix4 == 0 {
		t.prefix4 = 16
	}
	if t.prefix6 == 0 {
		t.prefix6 = 32
	}
	if t.prefix4 < 1 || t.prefix4 > 32 {
		return nil, nil, fmt.Errorf("netaudit: Options.OpenPrefix4 %d: must be 1 to 32: %w", o.OpenPrefix4, access.ErrInvalidOption)
	}
	if t.prefix6 < 1 || t.prefix6 > 128 {
		return nil, nil, fmt.Errorf("netaudit: Options.OpenPrefix6 %d: must be 1 to 128: %w", o.OpenPrefix6, access.ErrInvalidOption)
	}
	services := o.Services
	if services == nil {
		services = DefaultServices()
	}
	seen := map[string]bool{}
	for i, s := range services {
		if err := s.validate(i); err != nil {
			return nil, nil, err
		}
		if seen[s.CheckID] {
			return nil, nil, fmt.Errorf("netaudit: Options.Services[%d]: check ID %q used twice: %w", i, s.CheckID, access.ErrInvalidOption)
		}
		seen[s.CheckID] = true
	}
	return t, services, nil
}

// Audit audits EC2 security groups and VPCs: ingress from open ranges
// (Options.OpenPrefix4) to the services of the port table or to all
// ports, database ports reachable from more than the application's
// security groups (Options.Database), default security groups with rules,
// and VPCs without flow logs.
func Audit(ctx context.Context, api EC2API, opts Options) ([]access.Finding, error) {
	t, services, err := opts.target()
	if err != nil {
		return nil, err
	}
	var filters []types.Filter
	if len(opts.VpcIDs) > 0 {
		filters = []types.Filter{{Name: aws.String("vpc-id"), Values: opts.VpcIDs}}
	}
	sgp := ec2.NewDescribeSecurityGroupsPaginator(api, &ec2.DescribeSecurityGroupsInput{Filters: filters})
	for sgp.HasMorePages() {
		page, err := sgp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("netaudit: describe security groups: %w", err)
		}
		t.groups = append(t.groups, page.SecurityGroups...)
	}
	for _, g := range t.groups {
		t.byID[aws.ToString(g.GroupId)] = g
	}
	if err := t.resolveDatabase(opts.Database); err != nil {
		return nil, err
	}
	t.lookupReferenced(ctx, api)
	vin := &ec2.DescribeVpcsInput{}
	if len(opts.VpcIDs) > 0 {
		vin.VpcIds = opts.VpcIDs
	}
	vp := ec2.NewDescribeVpcsPaginator(api, vin)
	for vp.HasMorePages() {
		page, err := vp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("netaudit: describe vpcs: %w", err)
		}
		t.vpcs = append(t.vpcs, page.Vpcs...)
	}
	fin := &ec2.DescribeFlowLogsInput{}
	if len(opts.VpcIDs) > 0 {
		fin.Filter = []types.Filter{{Name: aws.String("resource-id"), Values: opts.VpcIDs}}
	}
	fp := ec2.NewDescribeFlowLogsPaginator(api, fin)
	for fp.HasMorePages() {
		page, err := fp.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("netaudit: describe flow logs: %w", err)
		}
		for _, fl := range page.FlowLogs {
			if st := aws.ToString(fl.FlowLogStatus); st == "" || st == "ACTIVE" {
				t.flowLogs[aws.ToString(fl.ResourceId)] = true
			}
		}
	}
	sort.Slice(t.groups, func(i, j int) bool { return aws.ToString(t.groups[i].GroupId) < aws.ToString(t.groups[j].GroupId) })
	return audit.Run(ctx, t, networkCheckers(services)...), nil
}
