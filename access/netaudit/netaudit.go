// Package netaudit audits AWS networks: EC2 security groups open to the
// internet on sensitive ports, default groups with rules, and VPCs without
// flow logs. Audit reads through EC2API, the three EC2 operations it uses,
// and returns access's finding model (access.Finding; write an
// access.Report as table, JSON, SARIF or JUnit). It is its own package so
// that a program granting SSH access through access does not compile the
// AWS SDK.
package netaudit

import (
	"context"
	"fmt"
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

// Options selects what the network audit inspects.
type Options struct {
	// VpcIDs limits the audit to these VPCs; empty means every VPC.
	VpcIDs []string
}

// exposedPort is a port that must never be open to the whole internet.
type exposedPort struct {
	Port     int32
	Name     string
	CheckID  string
	Severity access.Severity
}

// exposedPorts are the ports the network audit checks, each its own check.
var exposedPorts = []exposedPort{
	{22, "SSH", "access.network.sg.open_ssh", access.SeverityHigh},
	{3389, "RDP", "access.network.sg.open_rdp", access.SeverityHigh},
	{5432, "PostgreSQL", "access.network.sg.open_postgres", access.SeverityHigh},
	{5672, "AMQP (RabbitMQ)", "access.network.sg.open_amqp", access.SeverityHigh},
	{15672, "RabbitMQ management", "access.network.sg.open_rabbitmq_management", access.SeverityHigh},
}

type networkTarget struct {
	groups   []types.SecurityGroup
	vpcs     []types.Vpc
	flowLogs map[string]bool
}

func sgResource(g types.SecurityGroup) string {
	return fmt.Sprintf("security group %s (%s) in %s", aws.ToString(g.GroupId), aws.ToString(g.GroupName), aws.ToString(g.VpcId))
}

// openToWorld returns the world-open CIDRs of p ("0.0.0.0/0", "::/0").
func openToWorld(p types.IpPermission) []string {
	var out []string
	for _, r := range p.IpRanges {
		if aws.ToString(r.CidrIp) == "0.0.0.0/0" {
			out = append(out, "0.0.0.0/0")
		}
	}
	for _, r := range p.Ipv6Ranges {
		if aws.ToString(r.CidrIpv6) == "::/0" {
			out = append(out, "::/0")
		}
	}
	return out
}

// allPorts reports whether p covers every port of every protocol, or every
// TCP port.
func allPorts(p types.IpPermission) bool {
	proto := aws.ToString(p.IpProtocol)
	if proto == "-1" || proto == "all" {
		return true
	}
	return (proto == "tcp" || proto == "6") && aws.ToInt32(p.FromPort) <= 0 && aws.ToInt32(p.ToPort) >= 65535
}

func covers(p types.IpPermission, port int32) bool {
	proto := aws.ToString(p.IpProtocol)
	if proto == "-1" || proto == "all" {
		return true
	}
	if proto != "tcp" && proto != "6" {
		return false
	}
	return aws.ToInt32(p.FromPort) <= port && port <= aws.ToInt32(p.ToPort)
}

func describePerm(p types.IpPermission, cidrs []string) string {
	proto := aws.ToString(p.IpProtocol)
	if proto == "-1" {
		return "all traffic from " + strings.Join(cidrs, ",")
	}
	return fmt.Sprintf("%s %d-%d from %s", proto, aws.ToInt32(p.FromPort), aws.ToInt32(p.ToPort), strings.Join(cidrs, ","))
}

func perGroup(c access.Check, bad func(types.SecurityGroup) string) audit.Checker[*networkTarget] {
	c.Tags = append([]string{"aws", "network"}, c.Tags...)
	return audit.Checker[*networkTarget]{Check: c, Func: func(_ context.Context, t *networkTarget) ([]access.Finding, error) {
		var out []access.Finding
		for _, g := range t.groups {
			if ev := bad(g); ev != "" {
				out = append(out, c.Fail(sgResource(g), ev))
			} else {
				out = append(out, c.Pass(sgResource(g)))
			}
		}
		return out, nil
	}}
}

func networkCheckers() []audit.Checker[*networkTarget] {
	var cs []audit.Checker[*networkTarget]
	for _, ep := range exposedPorts {
		ep := ep
		cs = append(cs, perGroup(access.Check{ID: ep.CheckID, Title: fmt.Sprintf("security group opens %s (%d) to the internet", ep.Name, ep.Port), Severity: ep.Severity,
			Remediation: access.Remediation{Text: fmt.Sprintf("Restrict ingress on port %d to known networks, a bastion or a VPN.", ep.Port)},
			References:  []string{fmt.Sprintf("Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_%d", ep.Port)}},
			func(g types.SecurityGroup) string {
				var ev []string
				for _, p := range g.IpPermissions {
					if w := openToWorld(p); len(w) > 0 && covers(p, ep.Port) {
						ev = append(ev, describePerm(p, w))
					}
				}
				return strings.Join(ev, "; ")
			}))
	}
	cs = append(cs,
		perGroup(access.Check{ID: "access.network.sg.open_all_ports", Title: "security group opens all ports to the internet", Severity: access.SeverityCritical,
			Remediation: access.Remediation{Text: "Remove the all-traffic ingress rule; open only the ports the service needs."},
			References:  []string{"Prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports"}},
			func(g types.SecurityGroup) string {
				var ev []string
				for _, p := range g.IpPermissions {
					if w := openToWorld(p); len(w) > 0 && allPorts(p) {
						ev = append(ev, describePerm(p, w))
					}
				}
				return strings.Join(ev, "; ")
			}),
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

// Checks returns the checks Audit runs.
func Checks() []access.Check {
	var out []access.Check
	for _, c := range networkCheckers() {
		out = append(out, c.Check)
	}
	return out
}

// Audit audits EC2 security groups and VPCs: ingress from 0.0.0.0/0
// or ::/0 to SSH, RDP, PostgreSQL, AMQP, RabbitMQ management or all ports,
// default security groups with rules, and VPCs without flow logs.
func Audit(ctx context.Context, api EC2API, opts Options) ([]access.Finding, error) {
	t := &networkTarget{flowLogs: map[string]bool{}}
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
	return audit.Run(ctx, t, networkCheckers()...), nil
}
