package elb_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	"github.com/aws/smithy-go/middleware"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/scaling/elb"
)

// opCounter counts the AWS operations called through a config (calls,
// not attempts).
type opCounter struct {
	mu  sync.Mutex
	ops map[string]int
}

func (c *opCounter) install(cfg *aws.Config) {
	cfg.APIOptions = append(cfg.APIOptions, func(st *middleware.Stack) error {
		// Initialize runs once per call, before the SDK's retries, so a
		// retried attempt on a loaded machine is not counted twice.
		return st.Initialize.Add(middleware.InitializeMiddlewareFunc("opskit-count", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			c.mu.Lock()
			if c.ops == nil {
				c.ops = map[string]int{}
			}
			c.ops[awsmiddleware.GetOperationName(ctx)]++
			c.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
	})
}

// take returns the counts since the last take: all calls, those that
// change something (not Describe*), and by operation.
func (c *opCounter) take() (all, writes int, ops map[string]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops = c.ops
	c.ops = nil
	for op, n := range ops {
		all += n
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "List") {
			writes += n
		}
	}
	return all, writes, ops
}

// world is a moto of the test's own, counted.
type world struct {
	cfg      aws.Config // counted
	raw      *elbv2.Client
	count    *opCounter
	prov     *elb.Provisioner
	subnets  []string
	vpc      string
	template string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	cfg := testenv.PrivateMoto(t)
	w := &world{count: &opCounter{}, raw: elbv2.NewFromConfig(cfg)}
	e := ec2.NewFromConfig(cfg)
	subs, err := e.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []ec2types.Filter{{Name: aws.String("default-for-az"), Values: []string{"true"}}}})
	if err != nil {
		t.Fatalf("DescribeSubnets: %v", err)
	}
	for _, s := range subs.Subnets {
		w.subnets = append(w.subnets, aws.ToString(s.SubnetId))
		w.vpc = aws.ToString(s.VpcId)
	}
	sort.Strings(w.subnets)
	w.subnets = w.subnets[:2]
	w.template = fmt.Sprintf("opskit-elb-%d", time.Now().UnixNano())
	if _, err := e.CreateLaunchTemplate(ctx, &ec2.CreateLaunchTemplateInput{LaunchTemplateName: aws.String(w.template),
		LaunchTemplateData: &ec2types.RequestLaunchTemplateData{ImageId: aws.String("ami-12c6146b"), InstanceType: ec2types.InstanceTypeT3Micro}}); err != nil {
		t.Fatalf("CreateLaunchTemplate: %v", err)
	}
	w.cfg = cfg.Copy()
	w.count.install(&w.cfg)
	w.prov = elb.NewProvisioner(elbv2.NewFromConfig(w.cfg), wafv2.NewFromConfig(w.cfg))
	return w
}

// rules lists a listener's rules as "priority conditions", sorted.
func (w *world) rules(t *testing.T, lb, port string) []string {
	t.Helper()
	ctx := context.Background()
	lbs, err := w.raw.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{Names: []string{lb}})
	if err != nil {
		t.Fatal(err)
	}
	ls, err := w.raw.DescribeListeners(ctx, &elbv2.DescribeListenersInput{LoadBalancerArn: lbs.LoadBalancers[0].LoadBalancerArn})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range ls.Listeners {
		if fmt.Sprint(aws.ToInt32(l.Port)) != port {
			continue
		}
		rs, err := w.raw.DescribeRules(ctx, &elbv2.DescribeRulesInput{ListenerArn: l.ListenerArn})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs.Rules {
			if aws.ToBool(r.IsDefault) {
				continue
			}
			var conds []string
			for _, c := range r.Conditions {
				v := c.Values
				if c.PathPatternConfig != nil {
					v = c.PathPatternConfig.Values
				}
				if c.HostHeaderConfig != nil {
					v = c.HostHeaderConfig.Values
				}
				conds = append(conds, aws.ToString(c.Field)+"="+strings.Join(v, "|"))
			}
			sort.Strings(conds)
			out = append(out, fmt.Sprintf("%5s %s", aws.ToString(r.Priority), strings.Join(conds, " ")))
		}
	}
	sort.Strings(out)
	return out
}
