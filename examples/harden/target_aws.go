package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/acm"
	"github.com/aws/aws-sdk-go-v2/service/autoscaling"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/rds"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/netaudit"
	rdsaudit "github.com/opskit-dev/opskit/database/rds"
	"github.com/opskit-dev/opskit/scaling/awsaudit"
	"github.com/opskit-dev/opskit/secrets/certs"
)

// awsTargets are the AWS audits the configuration selects, each over the
// clients the SDK's default chain (and the endpoint) gives.
func (r *resolver) awsTargets(a *awsConfig) []target {
	var out []target
	for _, n := range a.Audits {
		switch n {
		case "network":
			out = append(out, networkTarget("aws network", func(ctx context.Context) (netaudit.EC2API, error) {
				cfg, err := r.aws(ctx)
				return ec2.NewFromConfig(cfg), err
			}, netaudit.Options{VpcIDs: a.VpcIDs}))
		case "scaling":
			out = append(out, scalingTarget("aws scaling", func(ctx context.Context) (awsaudit.APIs, error) {
				cfg, err := r.aws(ctx)
				return awsaudit.APIs{AutoScaling: autoscaling.NewFromConfig(cfg), ELB: elbv2.NewFromConfig(cfg),
					SecurityGroups: ec2.NewFromConfig(cfg), WAF: wafv2.NewFromConfig(cfg)}, err
			}))
		case "rds":
			out = append(out, rdsTarget("aws rds", func(ctx context.Context) (rdsaudit.AuditAPI, error) {
				cfg, err := r.aws(ctx)
				return rds.NewFromConfig(cfg), err
			}))
		case "acm":
			out = append(out, target{name: "aws acm", checks: certs.ACMChecks(), audit: func(ctx context.Context) ([]access.Finding, error) {
				cfg, err := r.aws(ctx)
				if err != nil {
					return nil, err
				}
				return certs.AuditACM(ctx, acm.NewFromConfig(cfg), certs.ACMOptions{})
			}})
		}
	}
	return out
}

// networkTarget audits security groups and VPC flow logs.
func networkTarget(name string, api func(context.Context) (netaudit.EC2API, error), opts netaudit.Options) target {
	return target{name: name, checks: netaudit.Checks(), audit: func(ctx context.Context) ([]access.Finding, error) {
		c, err := api(ctx)
		if err != nil {
			return nil, err
		}
		return netaudit.Audit(ctx, c, opts)
	}}
}

// scalingTarget audits Auto Scaling groups, load balancers and target
// groups.
func scalingTarget(name string, apis func(context.Context) (awsaudit.APIs, error)) target {
	return target{name: name, checks: awsaudit.Checks(), audit: func(ctx context.Context) ([]access.Finding, error) {
		a, err := apis(ctx)
		if err != nil {
			return nil, err
		}
		return awsaudit.Audit(ctx, a)
	}}
}

// rdsTarget runs Prowler's RDS instance checks.
func rdsTarget(name string, api func(context.Context) (rdsaudit.AuditAPI, error)) target {
	return target{name: name, checks: rdsaudit.Checks(), audit: func(ctx context.Context) ([]access.Finding, error) {
		c, err := api(ctx)
		if err != nil {
			return nil, err
		}
		return rdsaudit.Audit(ctx, c)
	}}
}
