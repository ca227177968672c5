package awsasg_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling"
	"github.com/opskit-dev/opskit/scaling/awsasg"
	"github.com/opskit-dev/opskit/scaling/awsasg/awsasgfake"
)

type provisionAndDelete interface {
	awsasg.ProvisionAPI
	awsasg.DeleteAPI
}

// TestProvisionDelete runs the same cases on the fake (Provisioning and
// Alarms) and on moto: a group with a target-tracking and a step policy
// run by AWS is created, a second plan is empty, a changed maximum is one
// update, Delete removes the group, its policies and its alarm, and a
// second Delete does nothing.
func TestProvisionDelete(t *testing.T) {
	t.Run("fake", func(t *testing.T) {
		testProvisionDelete(t, awsasgfake.NewProvisioning(awsasgfake.Options{}), awsasgfake.NewAlarms(), "lt", []string{"subnet-a", "subnet-b"})
	})
	t.Run("moto", func(t *testing.T) {
		cfg := testenv.AWS(t)
		ctx := context.Background()
		e := ec2.NewFromConfig(cfg)
		subs, err := e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
		if err != nil {
			t.Fatal(err)
		}
		var subnets []string
		for _, s := range subs.Subnets {
			subnets = append(subnets, aws.ToString(s.SubnetId))
		}
		sort.Strings(subnets)
		lt := fmt.Sprintf("opskit-del-%d", time.Now().UnixNano())
		if _, err := e.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(lt),
			LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro}}); err != nil {
			t.Fatal(err)
		}
		testProvisionDelete(t, autoscaling.NewFromConfig(cfg), cloudwatch.NewFromConfig(cfg), lt, subnets[:2])
	})
}

func testProvisionDelete(t *testing.T, api provisionAndDelete, cw awsasg.AlarmAPI, lt string, subnets []string) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	name := fmt.Sprintf("del-%d", time.Now().UnixNano()%1e9)
	spec := awsasg.GroupSpec{Name: name, LaunchTemplate: lt, Min: 1, Max: 4, Desired: 1, Subnets: subnets, HealthCheckGracePeriod: 60 * time.Second,
		Policies: []awsasg.PolicySpec{
			{Policy: &scaling.TargetTracking{Name: "cpu", Metric: "cpu", Target: 60}, Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageCPUUtilization}},
			{Policy: &scaling.StepScaling{Name: "out", Metric: "cpu", Threshold: 80, Steps: []scaling.Step{{Lower: 0, Upper: math.Inf(1), Adjustment: 1}}},
				Metric: awsasg.MetricSource{Predefined: awsasg.ASGAverageCPUUtilization}},
		}}
	p := awsasg.NewProvisioner(api, cw)
	if _, err := p.Apply(ctx, spec); err != nil {
		t.Fatal(err)
	}
	plans, err := p.Plan(ctx, spec)
	if err != nil || !plans[0].Empty() {
		t.Fatalf("plan after apply: %v %v", plans, err)
	}
	spec.Max = 6
	if plans, err = p.Apply(ctx, spec); err != nil || len(plans[0].Changes) != 1 || plans[0].Changes[0].Field != "MaxSize" {
		t.Fatalf("changed max: %v %v", plans, err)
	}
	if plans, err = p.Plan(ctx, spec); err != nil || !plans[0].Empty() {
		t.Fatalf("plan after update: %v %v", plans, err)
	}
	done, err := awsasg.Delete(ctx, api, cw, name)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(done); len(done) != 2 || !strings.Contains(got, "alarm "+awsasg.PolicyPrefix+name) || !strings.Contains(got, "group "+name) {
		t.Errorf("delete: %s, want the alarm and the group", got)
	}
	if done, err := awsasg.Delete(ctx, api, cw, name); err != nil || len(done) != 0 {
		t.Fatalf("second delete: %v %v", done, err)
	}
	if plans, err = p.Plan(ctx, spec); err != nil || !plans[0].Create {
		t.Fatalf("plan after delete: %v %v, want a create", plans, err)
	}
}
