package awsasg

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// TestGroupAlarm checks that a step policy's alarm is told apart by the
// group its action names, not by its name: opskit-web-api-cpu-alarm
// belongs to group web-api (policy "cpu"), and deleting or reading group
// web must leave it alone. Matching by name prefix alone deleted it.
func TestGroupAlarm(t *testing.T) {
	alarm := func(name, group, policy string) cwtypes.MetricAlarm {
		return cwtypes.MetricAlarm{AlarmName: aws.String(name), AlarmActions: []string{
			"arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:0d1f:autoScalingGroupName/" + group + ":policyName/" + policy}}
	}
	webAPI := alarm("opskit-web-api-cpu-alarm", "web-api", "opskit-web-api-cpu")
	web := alarm("opskit-web-api-cpu-alarm", "web", "opskit-web-api-cpu")
	for _, c := range []struct {
		a     cwtypes.MetricAlarm
		group string
		want  bool
	}{
		{webAPI, "web-api", true},
		{webAPI, "web", false},
		{web, "web", true},
		{web, "web-api", false},
		{cwtypes.MetricAlarm{AlarmName: aws.String("opskit-web-cpu-alarm")}, "web", false}, // no action: not opskit's
		{alarm("other-web-cpu", "web", "p"), "web", false},
	} {
		if got := groupAlarm(c.a, c.group); got != c.want {
			t.Errorf("groupAlarm(%s with %v, %q) = %v; want %v", aws.ToString(c.a.AlarmName), c.a.AlarmActions, c.group, got, c.want)
		}
	}
}
