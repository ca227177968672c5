package redshift_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	rs "github.com/aws/aws-sdk-go-v2/service/redshift"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/redshift"
)

// Lines in the formats Redshift writes (connection log fields are
// pipe-separated; the user activity log prefixes each query).
var sample = map[redshift.Log][]string{
	redshift.ConnectionLog: {
		"authenticated |Wed, 2 Dec 2026 05:00:01:123|::ffff:10.0.1.5 |51234 |1073815811|dev |admin |password |0| |0| | | | |",
		"disconnecting session |Wed, 2 Dec 2026 05:00:09:456|::ffff:10.0.1.5 |51234 |1073815811|dev |admin | |8333000| | | | | | |",
	},
	redshift.UserLog: {
		"100|admin|alter|analyst|f|f|f|1|Wed, 2 Dec 2026 05:01:00:000",
	},
	redshift.UserActivityLog: {
		"'2026-12-02T05:02:00Z UTC [ db=dev user=admin pid=1073815811 userid=100 xid=5401 ]' LOG: select count(*) from events;",
		"'2026-12-02T05:02:01Z UTC [ db=dev user=analyst pid=1073815812 userid=101 xid=5402 ]' LOG: select *\nfrom sales where id = 7;",
	},
}

// TestRedshiftLogs enables audit logging of a moto Redshift cluster to
// CloudWatch for the three logs and checks the settings moto reports
// back. moto stops there: it creates no log groups and generates no
// events, so the test writes lines in Redshift's formats into
// /aws/redshift/cluster/<id>/<log> and reads them through the CloudWatch
// source with the groups redshift.Follow names.
func TestRedshiftLogs(t *testing.T) {
	cfg := testenv.AWS(t)
	ctx := context.Background()
	rsc := rs.NewFromConfig(cfg)
	cw := cwl.NewFromConfig(cfg)
	cluster := fmt.Sprintf("opskit-audit-%d", time.Now().UnixNano()%1_000_000_000)
	if _, err := rsc.CreateCluster(ctx, &rs.CreateClusterInput{ClusterIdentifier: aws.String(cluster), NodeType: aws.String("ra3.xlplus"),
		MasterUsername: aws.String("admin"), MasterUserPassword: aws.String("Opskit-test-1"), ClusterType: aws.String("single-node")}); err != nil {
		t.Fatalf("CreateCluster: %v", err)
	}
	t.Cleanup(func() {
		_, _ = rsc.DeleteCluster(context.Background(), &rs.DeleteClusterInput{ClusterIdentifier: aws.String(cluster), SkipFinalClusterSnapshot: aws.Bool(true)})
	})
	if err := redshift.EnableCloudWatch(ctx, rsc, cluster); err != nil {
		t.Fatal(err)
	}
	st, err := rsc.DescribeLoggingStatus(ctx, &rs.DescribeLoggingStatusInput{ClusterIdentifier: aws.String(cluster)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("moto logging status: enabled %v, destination %s, exports %v", aws.ToBool(st.LoggingEnabled), st.LogDestinationType, st.LogExports)

	follow, err := redshift.Follow(cluster)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, l := range redshift.AllLogs {
		group := redshift.LogGroup(cluster, l)
		if _, err := cw.CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
			t.Fatalf("CreateLogGroup %s: %v", group, err)
		}
		t.Cleanup(func() {
			_, _ = cw.DeleteLogGroup(context.Background(), &cwl.DeleteLogGroupInput{LogGroupName: aws.String(group)})
		})
		if _, err := cw.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(cluster)}); err != nil {
			t.Fatal(err)
		}
		var evs []cwtypes.InputLogEvent
		for i, line := range sample[l] {
			evs = append(evs, cwtypes.InputLogEvent{Timestamp: aws.Int64(time.Now().UnixMilli() + int64(i)), Message: aws.String(line)})
		}
		want += len(evs)
		if _, err := cw.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(cluster), LogEvents: evs}); err != nil {
			t.Fatal(err)
		}
	}

	src, err := cloudwatch.NewSource(cw, cloudwatch.SourceOptions{Follow: follow, Poll: 100 * time.Millisecond, Discover: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sink := loggingfake.NewSink(loggingfake.Options{Stream: "redshift"})
	p, err := logging.NewPipeline(logging.Options{Linger: 10 * time.Millisecond}, sink)
	if err != nil {
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(rctx, src) }()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && len(sink.All()) < want; {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_ = p.Close(ctx)
	got := map[redshift.Log][]string{}
	for _, r := range sink.All() {
		l := redshift.Log(r.Fields["log_group"][strings.LastIndex(r.Fields["log_group"], "/")+1:])
		got[l] = append(got[l], r.Message)
	}
	for _, l := range redshift.AllLogs {
		if strings.Join(got[l], "\n--\n") != strings.Join(sample[l], "\n--\n") {
			t.Fatalf("%s read %q; want %q", l, got[l], sample[l])
		}
	}
}

func TestRedshiftInvalid(t *testing.T) {
	for _, c := range []struct {
		cluster string
		logs    []redshift.Log
	}{{"Bad_Cluster", nil}, {"ok-cluster", []redshift.Log{"querylog"}}, {"ends-", nil}, {"", nil}} {
		_, err := redshift.Follow(c.cluster, c.logs...)
		if !errors.Is(err, logging.ErrInvalid) {
			t.Errorf("Follow(%q, %v) = %v; want ErrInvalid", c.cluster, c.logs, err)
		}
		if err := redshift.EnableCloudWatch(context.Background(), nil, c.cluster, c.logs...); !errors.Is(err, logging.ErrInvalid) {
			t.Errorf("EnableCloudWatch(%q, %v) = %v; want ErrInvalid before any call", c.cluster, c.logs, err)
		}
	}
}
