package awsec2fake

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/scaling/awsec2"
)

var _ awsec2.API = (*EC2)(nil)

// DefaultVPC is the ID of the fake's default VPC.
const DefaultVPC = "vpc-0de0000000000001"

// Subnets of the default VPC, by availability zone.
var Subnets = map[string]string{
	"us-east-1a": "subnet-0a00000000000001",
	"us-east-1b": "subnet-0b00000000000001",
	"us-east-1c": "subnet-0c00000000000001",
}

// EC2 is the in-memory service. Safe for concurrent use.
type EC2 struct {
	mu        sync.Mutex
	next      int
	groups    map[string]*group // by ID
	templates map[string]*template
}

type group struct {
	id, name, desc, vpc string
	perms               []types.IpPermission // one source each
}

type template struct {
	id       string
	versions []*types.RequestLaunchTemplateData
}

// New returns an EC2 with only the default VPC and its subnets.
func New() *EC2 {
	return &EC2{groups: map[string]*group{}, templates: map[string]*template{}}
}

func apiError(code, format string, args ...any) error {
	return &smithy.GenericAPIError{Code: code, Message: fmt.Sprintf(format, args...), Fault: smithy.FaultClient}
}

func (e *EC2) id(prefix string) string {
	e.next++
	return fmt.Sprintf("%s-%017x", prefix, e.next)
}

func filter(fs []types.Filter, name string) ([]string, bool) {
	for _, f := range fs {
		if aws.ToString(f.Name) == name {
			return f.Values, true
		}
	}
	return nil, false
}

// DescribeVpcs lists the default VPC (filters: is-default, vpc-id).
func (e *EC2) DescribeVpcs(_ context.Context, in *ec2.DescribeVpcsInput, _ ...func(*ec2.Options)) (*ec2.DescribeVpcsOutput, error) {
	out := &ec2.DescribeVpcsOutput{}
	if v, ok := filter(in.Filters, "is-default"); ok && !slices.Contains(v, "true") {
		return out, nil
	}
	if v, ok := filter(in.Filters, "vpc-id"); ok && !slices.Contains(v, DefaultVPC) {
		return out, nil
	}
	if len(in.VpcIds) > 0 && !slices.Contains(in.VpcIds, DefaultVPC) {
		return nil, apiError("InvalidVpcID.NotFound", "The vpc ID '%s' does not exist", in.VpcIds[0])
	}
	out.Vpcs = []types.Vpc{{VpcId: aws.String(DefaultVPC), IsDefault: aws.Bool(true), CidrBlock: aws.String("172.31.0.0/16")}}
	return out, nil
}

// DescribeSubnets lists the default VPC's subnets (filter: vpc-id).
func (e *EC2) DescribeSubnets(_ context.Context, in *ec2.DescribeSubnetsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSubnetsOutput, error) {
	out := &ec2.DescribeSubnetsOutput{}
	if v, ok := filter(in.Filters, "vpc-id"); ok && !slices.Contains(v, DefaultVPC) {
		return out, nil
	}
	zones := make([]string, 0, len(Subnets))
	for z := range Subnets {
		zones = append(zones, z)
	}
	sort.Strings(zones)
	for _, z := range zones {
		out.Subnets = append(out.Subnets, types.Subnet{SubnetId: aws.String(Subnets[z]), AvailabilityZone: aws.String(z), VpcId: aws.String(DefaultVPC)})
	}
	return out, nil
}
