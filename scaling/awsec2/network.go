package awsec2

import (
	"context"
	"fmt"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// DefaultVPC names the account's default VPC in a Network.
const DefaultVPC = "default"

// Network is where resources go: a VPC and its subnets.
type Network struct {
	// VPC is the VPC's ID, or DefaultVPC.
	VPC string
	// Subnets are subnet IDs of the VPC; empty takes all of them.
	Subnets []string
}

// ResolveNetwork returns the VPC's ID and its subnets: the default VPC
// for DefaultVPC (or ""), and every subnet of the VPC, one per
// availability zone first, when n names none. Named subnets must belong
// to the VPC.
func ResolveNetwork(ctx context.Context, api interface {
	ec2.DescribeVpcsAPIClient
	ec2.DescribeSubnetsAPIClient
}, n Network) (string, []string, error) {
	vpc := n.VPC
	if vpc == "" || vpc == DefaultVPC {
		out, err := api.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
		if err != nil {
			return "", nil, fmt.Errorf("scaling/awsec2: default VPC: %w", err)
		}
		if len(out.Vpcs) == 0 {
			return "", nil, invalid("network", "VPC", "the account has no default VPC: name one")
		}
		vpc = aws.ToString(out.Vpcs[0].VpcId)
	}
	out, err := api.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	if err != nil {
		return "", nil, fmt.Errorf("scaling/awsec2: subnets of %s: %w", vpc, err)
	}
	zone := map[string]string{}
	for _, s := range out.Subnets {
		zone[aws.ToString(s.SubnetId)] = aws.ToString(s.AvailabilityZone)
	}
	if len(n.Subnets) > 0 {
		for _, s := range n.Subnets {
			if _, ok := zone[s]; !ok {
				return "", nil, invalid("network", "Subnets", "%s is not a subnet of %s", s, vpc)
			}
		}
		return vpc, n.Subnets, nil
	}
	if len(zone) == 0 {
		return "", nil, invalid("network", "Subnets", "%s has no subnet", vpc)
	}
	// One subnet per zone, in zone order, so the choice is stable.
	byZone := map[string]string{}
	for id, z := range zone {
		if cur, ok := byZone[z]; !ok || id < cur {
			byZone[z] = id
		}
	}
	zones := make([]string, 0, len(byZone))
	for z := range byZone {
		zones = append(zones, z)
	}
	sort.Strings(zones)
	subnets := make([]string, len(zones))
	for i, z := range zones {
		subnets[i] = byZone[z]
	}
	return vpc, subnets, nil
}
