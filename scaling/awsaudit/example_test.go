package awsaudit_test

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/opskit-dev/opskit/scaling/awsaudit"
)

func ExampleChecks() {
	for _, c := range awsaudit.Checks() {
		fmt.Println(c.ID, c.Severity)
	}
	// Output:
	// scaling.asg.single_az medium
	// scaling.asg.fixed_size_with_policies low
	// scaling.asg.no_elb_health_check medium
	// scaling.elb.http_without_https_redirect medium
	// scaling.elb.security_group_all_ports high
	// scaling.elb.no_waf_sqli high
	// scaling.elb.target_group_no_healthy_targets medium
}

func ExampleAudit() {
	ctx := context.Background()
	var cfg aws.Config // from config.LoadDefaultConfig(ctx)
	findings, err := awsaudit.Audit(ctx, awsaudit.APIs{
		AutoScaling: autoscaling.NewFromConfig(cfg), ELB: elbv2.NewFromConfig(cfg),
		SecurityGroups: ec2.NewFromConfig(cfg), WAF: wafv2.NewFromConfig(cfg),
	})
	if err != nil {
		panic(err)
	}
	r := awsaudit.Report{Findings: findings}
	_ = r.Write(os.Stdout, awsaudit.FormatTable)
	os.Exit(r.ExitCode(awsaudit.SeverityHigh))
}
