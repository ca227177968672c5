package awsasg

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
)

// The Auto Scaling operations a Group uses, one interface each, as
// aws-sdk-go-v2 names them.
type (
	// DescribeAutoScalingGroupsAPI reads groups, up to 100 names a page.
	DescribeAutoScalingGroupsAPI = autoscaling.DescribeAutoScalingGroupsAPIClient
	// SetDesiredCapacityAPI sets a group's desired capacity.
	SetDesiredCapacityAPI interface {
		SetDesiredCapacity(context.Context, *autoscaling.SetDesiredCapacityInput, ...func(*autoscaling.Options)) (*autoscaling.SetDesiredCapacityOutput, error)
	}
	// SetInstanceProtectionAPI protects instances from scale-in.
	SetInstanceProtectionAPI interface {
		SetInstanceProtection(context.Context, *autoscaling.SetInstanceProtectionInput, ...func(*autoscaling.Options)) (*autoscaling.SetInstanceProtectionOutput, error)
	}
)

// API is what a Group and a Fleet need of Auto Scaling; *autoscaling.Client
// and *awsasgfake.AutoScaling satisfy it.
type API interface {
	DescribeAutoScalingGroupsAPI
	SetDesiredCapacityAPI
	SetInstanceProtectionAPI
}

var _ API = (*autoscaling.Client)(nil)
