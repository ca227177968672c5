package awsec2

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Provisioner plans and applies security groups and launch templates.
type Provisioner struct {
	api API
}

// NewProvisioner returns a provisioner over EC2 (an *ec2.Client).
func NewProvisioner(api API) *Provisioner { return &Provisioner{api: api} }

// GroupsPlan is what ApplyGroups would do to a set of security groups in
// one VPC.
type GroupsPlan struct {
	// VPC is the VPC's ID.
	VPC string
	// Changes in the order ApplyGroups makes them.
	Changes []Change

	specs     []SecurityGroupSpec
	ids       map[string]string // name -> ID of the groups that exist
	authorize map[string][]perm
	revoke    map[string][]perm
}

// Empty reports that nothing differs.
func (p *GroupsPlan) Empty() bool { return len(p.Changes) == 0 }

// IDs returns the group IDs by name, once they exist.
func (p *GroupsPlan) IDs() map[string]string {
	m := make(map[string]string, len(p.ids))
	for k, v := range p.ids {
		m[k] = v
	}
	return m
}

// live reads the named groups of vpc.
func (p *Provisioner) live(ctx context.Context, vpc string, names []string) (map[string]types.SecurityGroup, error) {
	out := map[string]types.SecurityGroup{}
	if len(names) == 0 {
		return out, nil
	}
	pg := ec2.NewDescribeSecurityGroupsPaginator(p.api, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpc}},
		{Name: aws.String("group-name"), Values: names},
	}})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scaling/awsec2: DescribeSecurityGroups in %s: %w", vpc, err)
		}
		for _, g := range page.SecurityGroups {
			out[aws.ToString(g.GroupName)] = g
		}
	}
	return out, nil
}

func livePerms(g types.SecurityGroup) []perm {
	var out []perm
	for _, ip := range g.IpPermissions {
		base := perm{proto: aws.ToString(ip.IpProtocol), from: aws.ToInt32(ip.FromPort), to: aws.ToInt32(ip.ToPort)}
		if base.proto == "-1" {
			base.from, base.to = 0, 0
		}
		for _, r := range ip.IpRanges {
			q := base
			q.cidr = aws.ToString(r.CidrIp)
			out = append(out, q)
		}
		for _, r := range ip.UserIdGroupPairs {
			q := base
			q.group = aws.ToString(r.GroupId)
			out = append(out, q)
		}
	}
	return out
}

func names(specs []SecurityGroupSpec) []string {
	out := make([]string, len(specs))
	for i, s := range specs {
		out[i] = s.Name
	}
	return out
}

// ValidateGroups checks specs without any call: names unique, protocols
// and ports, CIDR blocks, and groups named in rules being in the set (or
// group IDs).
func ValidateGroups(specs ...SecurityGroupSpec) error { return validateGroups(specs) }

// PlanGroups validates the specs and compares them with the groups of vpc
// without changing anything.
func (p *Provisioner) PlanGroups(ctx context.Context, vpc string, specs ...SecurityGroupSpec) (*GroupsPlan, error) {
	if err := validateGroups(specs); err != nil {
		return nil, err
	}
	live, err := p.live(ctx, vpc, names(specs))
	if err != nil {
		return nil, err
	}
	pl := &GroupsPlan{VPC: vpc, specs: specs, ids: map[string]string{}, authorize: map[string][]perm{}, revoke: map[string][]perm{}}
	for n, g := range live {
		pl.ids[n] = aws.ToString(g.GroupId)
	}
	byID := map[string]string{}
	for n, id := range pl.ids {
		byID[id] = n
	}
	id := func(name string) string {
		if v, ok := pl.ids[name]; ok {
			return v
		}
		if len(name) > 3 && name[:3] == "sg-" {
			return name
		}
		return "(new " + name + ")"
	}
	show := func(q perm) string {
		if n, ok := byID[q.group]; ok {
			q.group = n
		}
		if len(q.group) > 5 && q.group[:5] == "(new " {
			q.group = q.group[5 : len(q.group)-1]
		}
		return q.key()
	}
	for _, s := range specs {
		g, exists := live[s.Name]
		if !exists {
			pl.Changes = append(pl.Changes, Change{Resource: "security group", Name: s.Name, Op: "create", Detail: "in " + vpc})
		}
		want := map[string]perm{}
		for _, r := range s.Ingress {
			for _, q := range r.perms(id) {
				want[q.key()] = q
			}
		}
		have := map[string]perm{}
		if exists {
			for _, q := range livePerms(g) {
				have[q.key()] = q
			}
		}
		for _, k := range sortedKeys(want) {
			if _, ok := have[k]; !ok {
				pl.authorize[s.Name] = append(pl.authorize[s.Name], want[k])
				pl.Changes = append(pl.Changes, Change{Resource: "rule", Name: s.Name, Op: "authorize", Detail: show(want[k])})
			}
		}
		for _, k := range sortedKeys(have) {
			if _, ok := want[k]; !ok {
				pl.revoke[s.Name] = append(pl.revoke[s.Name], have[k])
				pl.Changes = append(pl.Changes, Change{Resource: "rule", Name: s.Name, Op: "revoke", Detail: show(have[k])})
			}
		}
	}
	return pl, nil
}

func sortedKeys(m map[string]perm) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ApplyGroups plans the specs and carries the plan out: creates the
// missing groups, then revokes and authorizes rules group by group (a rule
// from a group made in this run names its new ID). It returns the plan it
// carried out, whose IDs are then complete.
func (p *Provisioner) ApplyGroups(ctx context.Context, vpc string, specs ...SecurityGroupSpec) (*GroupsPlan, error) {
	pl, err := p.PlanGroups(ctx, vpc, specs...)
	if err != nil {
		return nil, err
	}
	for _, s := range specs {
		if _, ok := pl.ids[s.Name]; ok {
			continue
		}
		desc := s.Description
		if desc == "" {
			desc = defaultDescription
		}
		out, err := p.api.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(s.Name), Description: aws.String(desc), VpcId: aws.String(vpc)})
		if err != nil {
			return pl, fmt.Errorf("scaling/awsec2: create security group %q: %w", s.Name, err)
		}
		pl.ids[s.Name] = aws.ToString(out.GroupId)
	}
	resolve := func(q perm) perm {
		if len(q.group) > 5 && q.group[:5] == "(new " {
			q.group = pl.ids[q.group[5:len(q.group)-1]]
		}
		return q
	}
	for _, s := range specs {
		gid := pl.ids[s.Name]
		if rs := pl.revoke[s.Name]; len(rs) > 0 {
			if _, err := p.api.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(gid), IpPermissions: permissions(rs, resolve)}); err != nil {
				return pl, fmt.Errorf("scaling/awsec2: security group %q: revoke: %w", s.Name, err)
			}
		}
		if as := pl.authorize[s.Name]; len(as) > 0 {
			if _, err := p.api.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(gid), IpPermissions: permissions(as, resolve)}); err != nil {
				return pl, fmt.Errorf("scaling/awsec2: security group %q: authorize: %w", s.Name, err)
			}
		}
	}
	return pl, nil
}

func permissions(ps []perm, resolve func(perm) perm) []types.IpPermission {
	out := make([]types.IpPermission, 0, len(ps))
	for _, q := range ps {
		q = resolve(q)
		ip := types.IpPermission{IpProtocol: aws.String(q.proto)}
		if q.proto != "-1" {
			ip.FromPort, ip.ToPort = aws.Int32(q.from), aws.Int32(q.to)
		}
		if q.cidr != "" {
			ip.IpRanges = []types.IpRange{{CidrIp: aws.String(q.cidr)}}
		} else {
			ip.UserIdGroupPairs = []types.UserIdGroupPair{{GroupId: aws.String(q.group)}}
		}
		out = append(out, ip)
	}
	return out
}

// DeleteGroups deletes the named groups of vpc that exist: first every
// ingress rule of theirs (so groups that reference each other can go),
// then the groups. It returns what it did.
func (p *Provisioner) DeleteGroups(ctx context.Context, vpc string, groupNames ...string) ([]Change, error) {
	live, err := p.live(ctx, vpc, groupNames)
	if err != nil {
		return nil, err
	}
	var done []Change
	for _, n := range groupNames {
		g, ok := live[n]
		if !ok || len(g.IpPermissions) == 0 {
			continue
		}
		if _, err := p.api.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: g.GroupId, IpPermissions: g.IpPermissions}); err != nil {
			return done, fmt.Errorf("scaling/awsec2: security group %q: revoke: %w", n, err)
		}
		done = append(done, Change{Resource: "rule", Name: n, Op: "revoke", Detail: fmt.Sprintf("all %d ingress permissions", len(g.IpPermissions))})
	}
	for _, n := range groupNames {
		g, ok := live[n]
		if !ok {
			continue
		}
		if _, err := p.api.DeleteSecurityGroup(ctx, &ec2.DeleteSecurityGroupInput{GroupId: g.GroupId}); err != nil {
			if isCode(err, "InvalidGroup.NotFound") {
				continue
			}
			return done, fmt.Errorf("scaling/awsec2: delete security group %q: %w", n, err)
		}
		done = append(done, Change{Resource: "security group", Name: n, Op: "delete", Detail: aws.ToString(g.GroupId)})
	}
	return done, nil
}
