package netaudit_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/netaudit"
	"github.com/opskit-dev/opskit/internal/testenv"
)

// TestNetworkExposure proves the open-range rule, the port table and the
// database rule both ways on moto: each misconfigured group fails exactly
// the checks it should, and after the fix every group passes.
func TestNetworkExposure(t *testing.T) {
	cfg := testenv.AWS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cli := ec2.NewFromConfig(cfg)
	vpc, err := cli.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.78.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	t.Cleanup(func() { _, _ = cli.DeleteVpc(context.Background(), &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}) })
	v4 := func(c string) []types.IpRange { return []types.IpRange{{CidrIp: aws.String(c)}} }
	v6 := func(c string) []types.Ipv6Range { return []types.Ipv6Range{{CidrIpv6: aws.String(c)}} }
	rule := func(proto string, from, to int32, r4 []types.IpRange, r6 []types.Ipv6Range) types.IpPermission {
		return types.IpPermission{IpProtocol: aws.String(proto), FromPort: aws.Int32(from), ToPort: aws.Int32(to), IpRanges: r4, Ipv6Ranges: r6}
	}
	ids := map[string]string{}
	mkGroup := func(name string) string {
		id := ""
		g, err := cli.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("opskit exposure test"), VpcId: aws.String(vpcID)})
		switch {
		case err == nil:
			id = aws.ToString(g.GroupId)
		case strings.Contains(err.Error(), "InvalidGroup.Duplicate"):
			// The SDK retried a create the emulator had done (it answers
			// 5xx now and then under load).
			id = groupID(t, ctx, cli, vpcID, name)
		default:
			t.Fatal(err)
		}
		ids[name] = id
		t.Cleanup(func() {
			_, _ = cli.DeleteSecurityGroup(context.Background(), &ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
		})
		return id
	}
	app, otherApp := mkGroup("app"), mkGroup("other-app")
	fromGroups := func(port int32, groups ...string) types.IpPermission {
		p := rule("tcp", port, port, nil, nil)
		for _, g := range groups {
			p.UserIdGroupPairs = append(p.UserIdGroupPairs, types.UserIdGroupPair{GroupId: aws.String(g)})
		}
		return p
	}
	type group struct {
		bad, good []types.IpPermission
		badOut    []types.IpPermission // egress
		fails     []string             // checks the bad rules fail, sorted
		evidence  string               // in the first failure's evidence
	}
	dbBad := fromGroups(5432, otherApp)
	dbBad.IpRanges = v4("10.0.0.0/8")
	groups := map[string]group{
		"half-internet":  {bad: []types.IpPermission{rule("tcp", 22, 22, v4("0.0.0.0/1"), nil)}, good: []types.IpPermission{rule("tcp", 22, 22, v4("198.51.99.0/24"), nil)}, fails: []string{"open_ssh", "wide_public_range"}, evidence: "0.0.0.0/1"},
		"wide-public":    {bad: []types.IpPermission{rule("tcp", 6379, 6379, v4("100.0.0.0/8"), nil)}, good: []types.IpPermission{rule("tcp", 6379, 6379, v4("100.64.0.0/10"), nil)}, fails: []string{"open_redis", "wide_public_range"}},
		"v6-wide":        {bad: []types.IpPermission{rule("tcp", 9200, 9200, nil, v6("2001::/16"))}, good: []types.IpPermission{rule("tcp", 9200, 9200, nil, v6("2001:db9:1::/48"))}, fails: []string{"open_elasticsearch", "wide_public_range"}},
		"range-docker":   {bad: []types.IpPermission{rule("tcp", 2000, 2400, v4("0.0.0.0/0"), nil)}, good: []types.IpPermission{rule("tcp", 2000, 2400, v4("10.1.0.0/16"), nil)}, fails: []string{"open_docker", "open_swarm"}},
		"udp-memcached":  {bad: []types.IpPermission{rule("udp", 11211, 11211, v4("0.0.0.0/0"), nil)}, good: []types.IpPermission{rule("udp", 11211, 11211, v4("172.16.0.0/12"), nil)}, fails: []string{"open_memcached"}},
		"amqps-mongo":    {bad: []types.IpPermission{rule("tcp", 5671, 5671, nil, v6("::/0")), rule("tcp", 27017, 27017, v4("0.0.0.0/0"), nil)}, fails: []string{"open_amqps", "open_mongodb"}},
		"wide-private":   {good: []types.IpPermission{rule("tcp", 0, 65535, v4("10.0.0.0/8"), nil)}},
		"narrow-public":  {good: []types.IpPermission{rule("tcp", 0, 65535, v4("203.0.114.0/24"), nil)}},
		"db-app-only":    {good: []types.IpPermission{fromGroups(5432, app)}},
		"db-beyond-app":  {bad: []types.IpPermission{dbBad}, good: []types.IpPermission{fromGroups(5432, app)}, fails: []string{"database_not_app_only"}, evidence: "security group " + otherApp + " (other-app)"},
		"egress-wide":    {badOut: []types.IpPermission{rule("tcp", 443, 443, v4("0.0.0.0/1"), nil)}, fails: []string{"wide_public_range"}, evidence: "tcp 443-443 to 0.0.0.0/1"},
		"erlang-and-all": {bad: []types.IpPermission{{IpProtocol: aws.String("-1"), Ipv6Ranges: v6("::/0")}}, fails: allChecks()},
	}
	for name, g := range groups {
		id := mkGroup(name)
		if perms := append(append([]types.IpPermission{}, g.bad...), g.good...); len(perms) > 0 {
			if _, err := cli.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id), IpPermissions: perms}); err != nil && !strings.Contains(err.Error(), "InvalidPermission.Duplicate") {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if len(g.badOut) > 0 {
			if _, err := cli.AuthorizeSecurityGroupEgress(ctx, &ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(id), IpPermissions: g.badOut}); err != nil && !strings.Contains(err.Error(), "InvalidPermission.Duplicate") {
				t.Fatalf("%s egress: %v", name, err)
			}
		}
	}
	opts := netaudit.Options{VpcIDs: []string{vpcID}, Database: &netaudit.DatabaseAccess{Groups: []string{"db-app-only", ids["db-beyond-app"]}, AppGroups: []string{"app"}}}
	run := func() (map[string][]string, map[string]string) {
		fs, err := netaudit.Audit(ctx, cli, opts)
		if err != nil {
			t.Fatal(err)
		}
		fails, ev := map[string][]string{}, map[string]string{}
		for _, f := range fs {
			if f.Status == access.StatusError {
				t.Errorf("%s %s: %s", f.CheckID, f.Resource, f.Error)
			}
			if f.Status != access.StatusFail || !strings.HasPrefix(f.Resource, "security group ") {
				continue
			}
			name := strings.Trim(strings.Fields(f.Resource)[3], "()")
			fails[name] = append(fails[name], strings.TrimPrefix(f.CheckID, "access.network.sg."))
			ev[name] += f.Evidence + "\n"
		}
		return fails, ev
	}
	fails, ev := run()
	for name, g := range groups {
		got := fails[name]
		slices.Sort(got)
		if strings.Join(got, " ") != strings.Join(g.fails, " ") {
			t.Errorf("misconfigured %s fails %v; want %v", name, got, g.fails)
		}
		if g.evidence != "" && !strings.Contains(ev[name], g.evidence) {
			t.Errorf("%s evidence %q lacks %q", name, ev[name], g.evidence)
		}
	}
	if !strings.Contains(ev["db-beyond-app"], "10.0.0.0/8") || strings.Contains(ev["db-beyond-app"], app+" (app)") {
		t.Errorf("database evidence %q: want the CIDR and the other group, not the app group", ev["db-beyond-app"])
	}
	// Without named database groups, every group with a rule on 5432 is
	// held to the rule: 10.0.0.0/8 on all ports reaches the database too.
	opts.Database.Groups = nil
	fails, _ = run()
	if !slices.Contains(fails["wide-private"], "database_not_app_only") {
		t.Errorf("wide-private with every group held to the database rule fails %v", fails["wide-private"])
	}
	opts.Database.Groups = []string{"db-app-only", ids["db-beyond-app"]}
	// Fix: revoke every bad rule; every group then passes every check.
	for name, g := range groups {
		if len(g.bad) > 0 {
			revokeRules(t, ctx, cli, ids[name], g.bad, false)
		}
		if len(g.badOut) > 0 {
			revokeRules(t, ctx, cli, ids[name], g.badOut, true)
		}
	}
	fails, _ = run()
	for name := range groups {
		if got := fails[name]; len(got) > 0 {
			t.Errorf("fixed %s still fails %v", name, got)
		}
	}
	// The database rule names its groups by ID or name, and refuses what
	// it cannot resolve before reading anything else.
	opts.Database = &netaudit.DatabaseAccess{AppGroups: []string{"no-such-group"}}
	if _, err := netaudit.Audit(ctx, cli, opts); !errors.Is(err, access.ErrInvalid) || !strings.Contains(err.Error(), "no-such-group") {
		t.Errorf("unknown app group: %v", err)
	}
	if _, err := netaudit.Audit(ctx, cli, netaudit.Options{OpenPrefix4: 33}); !errors.Is(err, access.ErrInvalid) {
		t.Errorf("OpenPrefix4 33: %v", err)
	}
}

// allChecks is every security-group check an all-traffic rule from the
// whole internet fails, sorted, without the prefix.
func allChecks() []string {
	var out []string
	for _, c := range netaudit.Checks() {
		id := strings.TrimPrefix(c.ID, "access.network.sg.")
		if strings.HasPrefix(id, "open_") {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// revokeRules revokes, by rule ID, the ingress rules of group that bad
// admits (each source of each permission is one rule): moto merges rules
// of the same ports into one permission, and revoking by permission then
// sometimes misses.
func revokeRules(t *testing.T, ctx context.Context, cli *ec2.Client, group string, bad []types.IpPermission, egress bool) {
	t.Helper()
	sources := map[string]bool{}
	for _, p := range bad {
		for _, r := range p.IpRanges {
			sources[aws.ToString(r.CidrIp)] = true
		}
		for _, r := range p.Ipv6Ranges {
			sources[aws.ToString(r.CidrIpv6)] = true
		}
		for _, r := range p.UserIdGroupPairs {
			sources[aws.ToString(r.GroupId)] = true
		}
	}
	matching := func() []string {
		out, err := cli.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{group}}}})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range out.SecurityGroupRules {
			src := aws.ToString(r.CidrIpv4) + aws.ToString(r.CidrIpv6)
			if r.ReferencedGroupInfo != nil {
				src = aws.ToString(r.ReferencedGroupInfo.GroupId)
			}
			if aws.ToBool(r.IsEgress) == egress && sources[src] {
				ids = append(ids, aws.ToString(r.SecurityGroupRuleId))
			}
		}
		return ids
	}
	ruleIDs := matching()
	if len(ruleIDs) == 0 {
		t.Fatalf("no rules of %s match %v", group, sources)
	}
	var err error
	if egress {
		_, err = cli.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: aws.String(group), SecurityGroupRuleIds: ruleIDs})
	} else {
		_, err = cli.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(group), SecurityGroupRuleIds: ruleIDs})
	}
	if err != nil && strings.Contains(err.Error(), "InvalidPermission.NotFound") && len(matching()) == 0 {
		// A retried revoke whose first attempt the emulator had done.
		err = nil
	}
	if err != nil {
		t.Fatalf("revoke %v of %s (%v): %v", ruleIDs, group, sources, err)
	}
}

// groupID looks a security group up by VPC and name.
func groupID(t *testing.T, ctx context.Context, cli *ec2.Client, vpcID, name string) string {
	t.Helper()
	out, err := cli.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpcID}}, {Name: aws.String("group-name"), Values: []string{name}}}})
	if err != nil || len(out.SecurityGroups) != 1 {
		t.Fatalf("security group %s in %s: %v", name, vpcID, err)
	}
	return aws.ToString(out.SecurityGroups[0].GroupId)
}
