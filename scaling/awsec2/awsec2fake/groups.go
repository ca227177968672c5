package awsec2fake

import (
	"context"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// DescribeSecurityGroups lists groups by GroupIds or by the filters vpc-id
// and group-name, in ID order.
func (e *EC2) DescribeSecurityGroups(_ context.Context, in *ec2.DescribeSecurityGroupsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, id := range in.GroupIds {
		if e.groups[id] == nil {
			return nil, apiError("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
		}
	}
	vpcs, byVPC := filter(in.Filters, "vpc-id")
	names, byName := filter(in.Filters, "group-name")
	ids := make([]string, 0, len(e.groups))
	for id := range e.groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := &ec2.DescribeSecurityGroupsOutput{}
	for _, id := range ids {
		g := e.groups[id]
		if (len(in.GroupIds) > 0 && !slices.Contains(in.GroupIds, id)) || (byVPC && !slices.Contains(vpcs, g.vpc)) || (byName && !slices.Contains(names, g.name)) {
			continue
		}
		out.SecurityGroups = append(out.SecurityGroups, types.SecurityGroup{GroupId: aws.String(id), GroupName: aws.String(g.name),
			Description: aws.String(g.desc), VpcId: aws.String(g.vpc), IpPermissions: slices.Clone(g.perms)})
	}
	return out, nil
}

// CreateSecurityGroup creates a group in a VPC; its name is unique there.
func (e *EC2) CreateSecurityGroup(_ context.Context, in *ec2.CreateSecurityGroupInput, _ ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name, vpc := aws.ToString(in.GroupName), aws.ToString(in.VpcId)
	if vpc == "" {
		vpc = DefaultVPC
	}
	if vpc != DefaultVPC {
		return nil, apiError("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", vpc)
	}
	if name == "" || aws.ToString(in.Description) == "" {
		return nil, apiError("MissingParameter", "GroupName and GroupDescription are required")
	}
	for _, g := range e.groups {
		if g.name == name && g.vpc == vpc {
			return nil, apiError("InvalidGroup.Duplicate", "The security group '%s' already exists for VPC '%s'", name, vpc)
		}
	}
	id := e.id("sg")
	e.groups[id] = &group{id: id, name: name, desc: aws.ToString(in.Description), vpc: vpc}
	return &ec2.CreateSecurityGroupOutput{GroupId: aws.String(id)}, nil
}

// DeleteSecurityGroup deletes a group no other group's rule names.
func (e *EC2) DeleteSecurityGroup(_ context.Context, in *ec2.DeleteSecurityGroupInput, _ ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := aws.ToString(in.GroupId)
	if e.groups[id] == nil {
		return nil, apiError("InvalidGroup.NotFound", "The security group '%s' does not exist", id)
	}
	for _, g := range e.groups {
		for _, p := range g.perms {
			if g.id != id && len(p.UserIdGroupPairs) > 0 && aws.ToString(p.UserIdGroupPairs[0].GroupId) == id {
				return nil, apiError("DependencyViolation", "resource %s has a dependent object", id)
			}
		}
	}
	delete(e.groups, id)
	return &ec2.DeleteSecurityGroupOutput{}, nil
}

// flatten splits permissions into one source each, checking them.
func (e *EC2) flatten(ps []types.IpPermission) ([]types.IpPermission, error) {
	var out []types.IpPermission
	for _, p := range ps {
		base := types.IpPermission{IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort}
		switch aws.ToString(p.IpProtocol) {
		case "-1":
			base.FromPort, base.ToPort = nil, nil
		case "tcp", "udp", "icmp":
			if p.FromPort == nil || p.ToPort == nil {
				return nil, apiError("InvalidParameterValue", "ports are required for protocol %s", aws.ToString(p.IpProtocol))
			}
		default:
			return nil, apiError("InvalidParameterValue", "Invalid value '%s' for IP protocol", aws.ToString(p.IpProtocol))
		}
		for _, r := range p.IpRanges {
			q := base
			q.IpRanges = []types.IpRange{{CidrIp: r.CidrIp}}
			out = append(out, q)
		}
		for _, r := range p.UserIdGroupPairs {
			if e.groups[aws.ToString(r.GroupId)] == nil {
				return nil, apiError("InvalidGroup.NotFound", "The security group '%s' does not exist", aws.ToString(r.GroupId))
			}
			q := base
			q.UserIdGroupPairs = []types.UserIdGroupPair{{GroupId: r.GroupId}}
			out = append(out, q)
		}
	}
	return out, nil
}

func samePerm(a, b types.IpPermission) bool {
	if aws.ToString(a.IpProtocol) != aws.ToString(b.IpProtocol) || aws.ToInt32(a.FromPort) != aws.ToInt32(b.FromPort) || aws.ToInt32(a.ToPort) != aws.ToInt32(b.ToPort) {
		return false
	}
	if len(a.IpRanges) > 0 && len(b.IpRanges) > 0 {
		return aws.ToString(a.IpRanges[0].CidrIp) == aws.ToString(b.IpRanges[0].CidrIp)
	}
	if len(a.UserIdGroupPairs) > 0 && len(b.UserIdGroupPairs) > 0 {
		return aws.ToString(a.UserIdGroupPairs[0].GroupId) == aws.ToString(b.UserIdGroupPairs[0].GroupId)
	}
	return false
}

// AuthorizeSecurityGroupIngress adds permissions; one already there is
// InvalidPermission.Duplicate and nothing is added.
func (e *EC2) AuthorizeSecurityGroupIngress(_ context.Context, in *ec2.AuthorizeSecurityGroupIngressInput, _ ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.groups[aws.ToString(in.GroupId)]
	if g == nil {
		return nil, apiError("InvalidGroup.NotFound", "The security group '%s' does not exist", aws.ToString(in.GroupId))
	}
	ps, err := e.flatten(in.IpPermissions)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		if slices.ContainsFunc(g.perms, func(q types.IpPermission) bool { return samePerm(p, q) }) {
			return nil, apiError("InvalidPermission.Duplicate", "the specified rule already exists")
		}
	}
	g.perms = append(g.perms, ps...)
	return &ec2.AuthorizeSecurityGroupIngressOutput{Return: aws.Bool(true)}, nil
}

// RevokeSecurityGroupIngress removes permissions; one not there is
// InvalidPermission.NotFound and nothing is removed.
func (e *EC2) RevokeSecurityGroupIngress(_ context.Context, in *ec2.RevokeSecurityGroupIngressInput, _ ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.groups[aws.ToString(in.GroupId)]
	if g == nil {
		return nil, apiError("InvalidGroup.NotFound", "The security group '%s' does not exist", aws.ToString(in.GroupId))
	}
	ps, err := e.flatten(in.IpPermissions)
	if err != nil {
		return nil, err
	}
	keep := slices.Clone(g.perms)
	for _, p := range ps {
		i := slices.IndexFunc(keep, func(q types.IpPermission) bool { return samePerm(p, q) })
		if i < 0 {
			return nil, apiError("InvalidPermission.NotFound", "the specified rule does not exist in this security group")
		}
		keep = slices.Delete(keep, i, i+1)
	}
	g.perms = keep
	return &ec2.RevokeSecurityGroupIngressOutput{Return: aws.Bool(true)}, nil
}
