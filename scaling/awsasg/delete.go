package awsasg

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// DeleteAutoScalingGroupAPI deletes groups.
type DeleteAutoScalingGroupAPI interface {
	DeleteAutoScalingGroup(context.Context, *autoscaling.DeleteAutoScalingGroupInput, ...func(*autoscaling.Options)) (*autoscaling.DeleteAutoScalingGroupOutput, error)
}

// DeleteAPI is what Delete needs of Auto Scaling; *autoscaling.Client
// satisfies it.
type DeleteAPI interface {
	DescribeAutoScalingGroupsAPI
	DeleteAutoScalingGroupAPI
}

var _ DeleteAPI = (*autoscaling.Client)(nil)

// Delete deletes the named groups that exist, with their instances (force
// delete: they are terminated, not waited for) and their policies, and the
// alarms of opskit's step policies on them (cw may be nil when there are
// none). It returns what it deleted; deleting twice does nothing.
func Delete(ctx context.Context, api DeleteAPI, cw AlarmAPI, names ...string) ([]Change, error) {
	live, err := Describe(ctx, api, names)
	if err != nil {
		return nil, err
	}
	var done []Change
	for _, name := range names {
		if cw != nil {
			var alarms []string
			pg := cloudwatch.NewDescribeAlarmsPaginator(cw, &cloudwatch.DescribeAlarmsInput{AlarmNamePrefix: aws.String(PolicyPrefix + name + "-")})
			for pg.HasMorePages() {
				page, err := pg.NextPage(ctx)
				if err != nil {
					return done, fmt.Errorf("scaling/awsasg: group %q: DescribeAlarms: %w", name, err)
				}
				for _, a := range page.MetricAlarms {
					if groupAlarm(a, name) {
						alarms = append(alarms, aws.ToString(a.AlarmName))
					}
				}
			}
			if len(alarms) > 0 {
				if _, err := cw.DeleteAlarms(ctx, &cloudwatch.DeleteAlarmsInput{AlarmNames: alarms}); err != nil {
					return done, fmt.Errorf("scaling/awsasg: group %q: DeleteAlarms: %w", name, err)
				}
				done = append(done, Change{Resource: "alarm", Name: strings.Join(alarms, ", "), Current: "present"})
			}
		}
		g, ok := live[name]
		if !ok {
			continue
		}
		if _, err := api.DeleteAutoScalingGroup(ctx, &autoscaling.DeleteAutoScalingGroupInput{AutoScalingGroupName: aws.String(name), ForceDelete: aws.Bool(true)}); err != nil {
			return done, fmt.Errorf("scaling/awsasg: delete group %q: %w", name, err)
		}
		done = append(done, Change{Resource: "group", Name: name, Current: fmt.Sprintf("%d instances", len(g.Instances))})
	}
	return done, nil
}
