package awsasgfake

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// Alarms is an in-memory store of CloudWatch metric alarms, for the alarms
// of step policies (scaling/awsasg.AlarmAPI). Alarms are stored as given
// and never evaluated.
type Alarms struct {
	mu     sync.Mutex
	alarms map[string]cwtypes.MetricAlarm
}

// NewAlarms returns an empty store.
func NewAlarms() *Alarms { return &Alarms{alarms: map[string]cwtypes.MetricAlarm{}} }

// PutMetricAlarm creates or replaces an alarm.
func (a *Alarms) PutMetricAlarm(_ context.Context, in *cloudwatch.PutMetricAlarmInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.PutMetricAlarmOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	name := aws.ToString(in.AlarmName)
	if name == "" {
		return nil, validation("AlarmName is required")
	}
	a.alarms[name] = cwtypes.MetricAlarm{AlarmName: in.AlarmName, Namespace: in.Namespace, MetricName: in.MetricName, Statistic: in.Statistic,
		Period: in.Period, EvaluationPeriods: in.EvaluationPeriods, Threshold: in.Threshold, ComparisonOperator: in.ComparisonOperator,
		Dimensions: in.Dimensions, AlarmActions: in.AlarmActions, StateValue: cwtypes.StateValueInsufficientData}
	return &cloudwatch.PutMetricAlarmOutput{}, nil
}

// DeleteAlarms deletes alarms; names that do not exist are ignored.
func (a *Alarms) DeleteAlarms(_ context.Context, in *cloudwatch.DeleteAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(in.AlarmNames) > 100 {
		return nil, validation("at most 100 alarm names a call")
	}
	for _, n := range in.AlarmNames {
		delete(a.alarms, n)
	}
	return &cloudwatch.DeleteAlarmsOutput{}, nil
}

// DescribeAlarms lists metric alarms by name or name prefix, by name.
func (a *Alarms) DescribeAlarms(_ context.Context, in *cloudwatch.DescribeAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DescribeAlarmsOutput, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var names []string
	for n := range a.alarms {
		if strings.HasPrefix(n, aws.ToString(in.AlarmNamePrefix)) && (len(in.AlarmNames) == 0 || contains(in.AlarmNames, n)) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := &cloudwatch.DescribeAlarmsOutput{}
	for _, n := range names {
		out.MetricAlarms = append(out.MetricAlarms, a.alarms[n])
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
