package netaudit_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/netaudit"
	"github.com/opskit-dev/opskit/internal/testenv"
)

func TestSecurityGroupAudit(t *testing.T) {
	cfg := testenv.AWS(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cli := ec2.NewFromConfig(cfg)
	vpc, err := cli.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.77.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	t.Cleanup(func() { _, _ = cli.DeleteVpc(context.Background(), &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)}) })
	world4 := []types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}
	world6 := []types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}
	tcp := func(from, to int32, v4 []types.IpRange, v6 []types.Ipv6Range) types.IpPermission {
		return types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(from), ToPort: aws.Int32(to), IpRanges: v4, Ipv6Ranges: v6}
	}
	groups := map[string][]types.IpPermission{
		"open-ssh":       {tcp(22, 22, world4, nil)},
		"open-rdp-v6":    {tcp(3389, 3389, nil, world6)},
		"open-pg":        {tcp(5432, 5432, world4, nil)},
		"open-amqp-mgmt": {tcp(5672, 5672, world4, nil), tcp(15672, 15672, nil, world6)},
		"open-all":       {{IpProtocol: aws.String("-1"), IpRanges: world4}},
		"private":        {tcp(22, 22, []types.IpRange{{CidrIp: aws.String("10.0.0.0/8")}}, nil), tcp(443, 443, world4, world6)},
	}
	want := map[string][]string{
		"open-ssh":       {"access.network.sg.open_ssh"},
		"open-rdp-v6":    {"access.network.sg.open_rdp"},
		"open-pg":        {"access.network.sg.open_postgres"},
		"open-amqp-mgmt": {"access.network.sg.open_amqp", "access.network.sg.open_rabbitmq_management"},
		"open-all":       prefixed(allChecks()),
		"private":        nil,
		"default":        {"access.network.sg.default_has_rules"},
	}
	for name, perms := range groups {
		g, err := cli.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String(name), Description: aws.String("opskit test"), VpcId: aws.String(vpcID)})
		if err != nil {
			t.Fatal(err)
		}
		id := g.GroupId
		t.Cleanup(func() {
			_, _ = cli.DeleteSecurityGroup(context.Background(), &ec2.DeleteSecurityGroupInput{GroupId: id})
		})
		if _, err := cli.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: id, IpPermissions: perms}); err != nil {
			t.Fatal(err)
		}
	}
	audit := func() ([]access.Finding, map[string][]string) {
		fs, err := netaudit.Audit(ctx, cli, netaudit.Options{VpcIDs: []string{vpcID}})
		if err != nil {
			t.Fatal(err)
		}
		fails := map[string][]string{}
		for _, f := range fs {
			if f.Status == access.StatusError {
				t.Errorf("%s %s: %s", f.CheckID, f.Resource, f.Error)
			}
			if !strings.HasPrefix(f.Resource, "security group ") {
				continue
			}
			name := strings.TrimSuffix(strings.Fields(f.Resource)[3], ")")
			name = strings.TrimPrefix(name, "(")
			if f.Status == access.StatusFail {
				fails[name] = append(fails[name], f.CheckID)
			} else if _, ok := fails[name]; !ok {
				fails[name] = nil
			}
		}
		return fs, fails
	}
	fs, fails := audit()
	for name, w := range want {
		got, ok := fails[name]
		if !ok {
			t.Errorf("no findings for group %s", name)
			continue
		}
		if strings.Join(sorted(got), " ") != strings.Join(w, " ") {
			t.Errorf("group %s fails %v; want %v", name, sorted(got), w)
		}
	}
	flow := func(fs []access.Finding) access.Status {
		for _, f := range fs {
			if f.CheckID == "access.network.vpc.flow_logs" && f.Resource == "vpc "+vpcID {
				return f.Status
			}
		}
		return 0
	}
	if st := flow(fs); st != access.StatusFail {
		t.Errorf("flow logs without any = %v; want fail", st)
	}
	// Fix the default group and add a flow log: both pass.
	sgs, err := cli.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{vpcID}}, {Name: aws.String("group-name"), Values: []string{"default"}}}})
	if err != nil || len(sgs.SecurityGroups) != 1 {
		t.Fatalf("default group: %v %d", err, len(sgs.SecurityGroups))
	}
	def := sgs.SecurityGroups[0]
	if len(def.IpPermissions) > 0 {
		if _, err := cli.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: def.GroupId, IpPermissions: def.IpPermissions}); err != nil {
			t.Fatal(err)
		}
	}
	if len(def.IpPermissionsEgress) > 0 {
		if _, err := cli.RevokeSecurityGroupEgress(ctx, &ec2.RevokeSecurityGroupEgressInput{GroupId: def.GroupId, IpPermissions: def.IpPermissionsEgress}); err != nil {
			t.Fatal(err)
		}
	}
	// The flow log's S3 bucket must exist; moto takes a plain path-style PUT.
	bucket := "opskit-flow-logs-" + vpcID
	req, _ := http.NewRequestWithContext(ctx, http.MethodPut, testenv.AWSEndpoint()+"/"+bucket, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("create bucket: %v %v", err, resp)
	}
	resp.Body.Close()
	t.Cleanup(func() {
		req, _ := http.NewRequest(http.MethodDelete, testenv.AWSEndpoint()+"/"+bucket, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	})
	fl, err := cli.CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{ResourceIds: []string{vpcID}, ResourceType: types.FlowLogsResourceTypeVpc,
		TrafficType: types.TrafficTypeAll, LogDestinationType: types.LogDestinationTypeS3, LogDestination: aws.String("arn:aws:s3:::" + bucket)})
	if err != nil || len(fl.Unsuccessful) > 0 {
		t.Fatalf("create flow log: %v %v", err, fl.Unsuccessful)
	}
	t.Cleanup(func() {
		_, _ = cli.DeleteFlowLogs(context.Background(), &ec2.DeleteFlowLogsInput{FlowLogIds: fl.FlowLogIds})
	})
	fs, fails = audit()
	if got := fails["default"]; len(got) != 0 {
		t.Errorf("default group without rules fails %v", got)
	}
	if st := flow(fs); st != access.StatusPass {
		t.Errorf("flow logs with one = %v; want pass", st)
	}
	t.Logf("%d network checks", len(netaudit.Checks()))
}

func prefixed(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = "access.network.sg." + id
	}
	return out
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
