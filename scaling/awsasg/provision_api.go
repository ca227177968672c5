package awsasg

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// The operations a Provisioner uses, one interface each, as aws-sdk-go-v2
// names them.
type (
	// CreateAutoScalingGroupAPI creates groups.
	CreateAutoScalingGroupAPI interface {
		CreateAutoScalingGroup(context.Context, *autoscaling.CreateAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.CreateAutoScalingGroupOutput, error)
	}
	// UpdateAutoScalingGroupAPI changes groups.
	UpdateAutoScalingGroupAPI interface {
		UpdateAutoScalingGroup(context.Context, *autoscaling.UpdateAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.UpdateAutoScalingGroupOutput, error)
	}
	// AttachLoadBalancerTargetGroupsAPI attaches target groups. moto has
	// no AttachTrafficSources, so the older call is used.
	AttachLoadBalancerTargetGroupsAPI interface {
		AttachLoadBalancerTargetGroups(context.Context, *autoscaling.AttachLoadBalancerTargetGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.AttachLoadBalancerTargetGroupsOutput, error)
	}
	// DetachLoadBalancerTargetGroupsAPI detaches target groups.
	DetachLoadBalancerTargetGroupsAPI interface {
		DetachLoadBalancerTargetGroups(context.Context, *autoscaling.DetachLoadBalancerTargetGroupsInput, ...func(*autoscaling.Options)) (*autoscaling.DetachLoadBalancerTargetGroupsOutput, error)
	}
	// EnableMetricsCollectionAPI turns on group metrics (the in-service
	// count a backlog policy divides by).
	EnableMetricsCollectionAPI interface {
		EnableMetricsCollection(context.Context, *autoscaling.EnableMetricsCollectionInput, ...func(*autoscaling.Options)) (*autoscaling.EnableMetricsCollectionOutput, error)
	}
	// PutScalingPolicyAPI creates or replaces native policies.
	PutScalingPolicyAPI interface {
		PutScalingPolicy(context.Context, *autoscaling.PutScalingPolicyInput, ...func(*autoscaling.Options)) (*autoscaling.PutScalingPolicyOutput, error)
	}
	// DeletePolicyAPI deletes native policies.
	DeletePolicyAPI interface {
		DeletePolicy(context.Context, *autoscaling.DeletePolicyInput, ...func(*autoscaling.Options)) (*autoscaling.DeletePolicyOutput, error)
	}
	// PutMetricAlarmAPI creates or replaces the alarms of step policies.
	PutMetricAlarmAPI interface {
		PutMetricAlarm(context.Context, *cloudwatch.PutMetricAlarmInput, ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error)
	}
	// DeleteAlarmsAPI deletes alarms.
	DeleteAlarmsAPI interface {
		DeleteAlarms(context.Context, *cloudwatch.DeleteAlarmsInput, ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error)
	}
)

// ProvisionAPI is what a Provisioner needs of Auto Scaling;
// *autoscaling.Client satisfies it.
type ProvisionAPI interface {
	DescribeAutoScalingGroupsAPI
	CreateAutoScalingGroupAPI
	UpdateAutoScalingGroupAPI
	AttachLoadBalancerTargetGroupsAPI
	DetachLoadBalancerTargetGroupsAPI
	EnableMetricsCollectionAPI
	PutScalingPolicyAPI
	DeletePolicyAPI
	autoscaling.DescribePoliciesAPIClient
}

// AlarmAPI is what a Provisioner needs of CloudWatch for step policies;
// *cloudwatch.Client satisfies it.
type AlarmAPI interface {
	PutMetricAlarmAPI
	DeleteAlarmsAPI
	cloudwatch.DescribeAlarmsAPIClient
}

var (
	_ ProvisionAPI = (*autoscaling.Client)(nil)
	_ AlarmAPI     = (*cloudwatch.Client)(nil)
)
