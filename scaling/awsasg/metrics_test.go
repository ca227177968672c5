package awsasg_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
)

// TestMetricsBatched puts CPU and network datapoints for 30 groups on
// moto and reads all 90 metrics in one GetMetricData call.
func TestMetricsBatched(t *testing.T) {
	cfg := testenv.PrivateMoto(t)
	ctx := context.Background()
	raw := cloudwatch.NewFromConfig(cfg)
	now := time.Now().Truncate(time.Minute)
	const groups = 30
	for g := 0; g < groups; g++ {
		name := fmt.Sprintf("g%02d", g)
		dims := []cwtypes.Dimension{{Name: aws.String("AutoScalingGroupName"), Value: aws.String(name)}}
		var data []cwtypes.MetricDatum
		for _, m := range []struct {
			name string
			old  float64
			new  float64
		}{{"CPUUtilization", 5, float64(g)}, {"NetworkIn", 1, 60e6 + float64(g)}, {"NetworkOut", 1, 6e6}} {
			data = append(data,
				cwtypes.MetricDatum{MetricName: aws.String(m.name), Dimensions: dims, Timestamp: aws.Time(now.Add(-3 * time.Minute)), Value: aws.Float64(m.old)},
				cwtypes.MetricDatum{MetricName: aws.String(m.name), Dimensions: dims, Timestamp: aws.Time(now.Add(-time.Minute)), Value: aws.Float64(m.new)})
		}
		if _, err := raw.PutMetricData(ctx, &cloudwatch.PutMetricDataInput{Namespace: aws.String("AWS/EC2"), MetricData: data}); err != nil {
			t.Fatalf("PutMetricData: %v", err)
		}
	}
	count := &testenv.AWSCalls{}
	counted := cfg.Copy()
	count.Install(&counted)
	m, err := awsasg.NewMetrics(cloudwatch.NewFromConfig(counted), awsasg.MetricsOptions{MaxAge: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	var cpu, in, out []scaling.MetricFunc
	for g := 0; g < groups; g++ {
		name := fmt.Sprintf("g%02d", g)
		cpu, in, out = append(cpu, m.CPU(name)), append(in, m.NetworkIn(name)), append(out, m.NetworkOut(name))
	}
	missing := m.CPU("no-such-group")
	for g := 0; g < groups; g++ {
		for _, c := range []struct {
			f    scaling.MetricFunc
			want float64
		}{{cpu[g], float64(g)}, {in[g], (60e6 + float64(g)) / 60}, {out[g], 6e6 / 60}} {
			v, err := c.f(ctx, scaling.GroupState{})
			if err != nil {
				t.Fatalf("g%02d: %v", g, err)
			}
			if math.Abs(v-c.want) > 1e-6 {
				t.Errorf("g%02d: %v; want the latest datapoint %v", g, v, c.want)
			}
		}
	}
	if _, err := missing(ctx, scaling.GroupState{}); err == nil {
		t.Error("a metric without datapoints read without error")
	}
	_, _, ops := count.Take()
	t.Logf("%d groups x 3 metrics: %v", groups, ops)
	if ops["GetMetricData"] != 1 {
		t.Errorf("%d GetMetricData calls for %d metrics; want 1", ops["GetMetricData"], 3*groups+1)
	}
}
