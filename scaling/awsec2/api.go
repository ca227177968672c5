package awsec2

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// API is every EC2 operation the package uses; *ec2.Client and
// *awsec2fake.EC2 satisfy it.
type API interface {
	ec2.DescribeVpcsAPIClient
	ec2.DescribeSubnetsAPIClient
	ec2.DescribeSecurityGroupsAPIClient
	CreateSecurityGroupAPI
	DeleteSecurityGroupAPI
	AuthorizeSecurityGroupIngressAPI
	RevokeSecurityGroupIngressAPI
	ec2.DescribeLaunchTemplatesAPIClient
	ec2.DescribeLaunchTemplateVersionsAPIClient
	CreateLaunchTemplateAPI
	CreateLaunchTemplateVersionAPI
	DeleteLaunchTemplateAPI
}

var _ API = (*ec2.Client)(nil)

// CreateSecurityGroupAPI creates security groups.
type CreateSecurityGroupAPI interface {
	CreateSecurityGroup(context.Context, *ec2.CreateSecurityGroupInput, ...func(*ec2.Options)) (*ec2.CreateSecurityGroupOutput, error)
}

// DeleteSecurityGroupAPI deletes security groups.
type DeleteSecurityGroupAPI interface {
	DeleteSecurityGroup(context.Context, *ec2.DeleteSecurityGroupInput, ...func(*ec2.Options)) (*ec2.DeleteSecurityGroupOutput, error)
}

// AuthorizeSecurityGroupIngressAPI adds ingress rules.
type AuthorizeSecurityGroupIngressAPI interface {
	AuthorizeSecurityGroupIngress(context.Context, *ec2.AuthorizeSecurityGroupIngressInput, ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error)
}

// RevokeSecurityGroupIngressAPI removes ingress rules.
type RevokeSecurityGroupIngressAPI interface {
	RevokeSecurityGroupIngress(context.Context, *ec2.RevokeSecurityGroupIngressInput, ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
}

// CreateLaunchTemplateAPI creates launch templates.
type CreateLaunchTemplateAPI interface {
	CreateLaunchTemplate(context.Context, *ec2.CreateLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateOutput, error)
}

// CreateLaunchTemplateVersionAPI adds a version to a launch template.
type CreateLaunchTemplateVersionAPI interface {
	CreateLaunchTemplateVersion(context.Context, *ec2.CreateLaunchTemplateVersionInput, ...func(*ec2.Options)) (*ec2.CreateLaunchTemplateVersionOutput, error)
}

// DeleteLaunchTemplateAPI deletes launch templates with all their versions.
type DeleteLaunchTemplateAPI interface {
	DeleteLaunchTemplate(context.Context, *ec2.DeleteLaunchTemplateInput, ...func(*ec2.Options)) (*ec2.DeleteLaunchTemplateOutput, error)
}
