package cloudwatch_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/loggingtest"
)

func client(t *testing.T) *cwl.Client {
	return cwl.NewFromConfig(testenv.AWS(t))
}

// group returns a unique log group name, deleted when t ends so moto's
// shared state stays small.
func group(t *testing.T, c *cwl.Client) string {
	g := fmt.Sprintf("/opskit/test/%s/%d", strings.ReplaceAll(t.Name(), "/", "-"), time.Now().UnixNano())
	t.Cleanup(func() {
		_, _ = c.DeleteLogGroup(context.Background(), &cwl.DeleteLogGroupInput{LogGroupName: aws.String(g)})
	})
	return g
}

func TestConformance(t *testing.T) {
	c := client(t)
	lim := logging.CloudWatchLimits(0)
	t.Run("cloudwatch", func(t *testing.T) {
		loggingtest.Run(t, loggingtest.Harness{
			Caps: loggingtest.Capabilities{Chronological: true, MaxAge: lim.MaxAge, MaxFuture: lim.MaxFuture,
				MaxEventBytes: lim.MaxEventBytes, PerEventOverhead: 26},
			New: func(t *testing.T) loggingtest.Backend {
				g := group(t, c)
				s, err := cloudwatch.New(c, cloudwatch.Options{Group: g, RetentionDays: 7})
				if err != nil {
					t.Fatal(err)
				}
				return loggingtest.Backend{Sink: s, Read: func(ctx context.Context, stream string, want int) ([]loggingtest.Stored, error) {
					for {
						evs, err := cloudwatch.ReadStream(ctx, c, g, stream)
						if err == nil && len(evs) >= want || ctx.Err() != nil {
							var out []loggingtest.Stored
							for _, e := range evs {
								out = append(out, loggingtest.Stored{Time: time.UnixMilli(aws.ToInt64(e.Timestamp)), Message: aws.ToString(e.Message)})
							}
							return out, err
						}
						time.Sleep(100 * time.Millisecond)
					}
				}}
			},
		})
	})
}

// counting wraps the client, counts PutLogEvents and injects throttling.
type counting struct {
	*cwl.Client
	puts     atomic.Int64
	throttle atomic.Int64
}

func (c *counting) PutLogEvents(ctx context.Context, in *cwl.PutLogEventsInput, o ...func(*cwl.Options)) (*cwl.PutLogEventsOutput, error) {
	if c.throttle.Add(-1) >= 0 {
		return nil, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	}
	c.puts.Add(1)
	return c.Client.PutLogEvents(ctx, in, o...)
}

// TestPacking ships a mixed workload and reports requests sent versus the
// minimum the PutLogEvents limits allow.
func TestPacking(t *testing.T) {
	c := &counting{Client: client(t)}
	g := group(t, c.Client)
	s, err := cloudwatch.New(c, cloudwatch.Options{Group: g, Stream: "s", Backoff: func(int) time.Duration { return time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	c.throttle.Store(3)
	p, err := logging.New(logging.Options{BatchEvents: 50_000, BatchBytes: 16 << 20, Linger: 50 * time.Millisecond}, s)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(-time.Hour)
	events, bytes := 0, 0
	for i := 0; i < 40_000; i++ {
		size := 20 + (i*7919)%400
		if i%5000 == 0 {
			size = 300 << 10 // split into 2 events
		}
		msg := strings.Repeat("x", size)
		for _, part := range logging.SplitMessage([]byte(msg), 256<<10-26) {
			events++
			bytes += len(part) + 26
		}
		if err := p.Emit(context.Background(), logging.Event{Time: now.Add(time.Duration(i) * time.Millisecond), Message: []byte(msg)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := p.Metrics()
	minimum := logging.MinRequests(events, bytes, logging.CloudWatchLimits(0))
	t.Logf("CloudWatch packing: %d events (%d after splitting, %d bytes counted) in %d PutLogEvents requests; minimum the limits allow %d (ratio %.2f); throttled 3 times, retried",
		40_000, events, bytes, c.puts.Load(), minimum, float64(c.puts.Load())/float64(minimum))
	if m.Shipped != 40_000 {
		t.Fatalf("shipped %d; want 40000", m.Shipped)
	}
	got, err := cloudwatch.ReadStream(context.Background(), c, g, "s")
	if err != nil || len(got) != events {
		t.Fatalf("read back %d events, %v; want %d", len(got), err, events)
	}
	if c.puts.Load() > int64(minimum)+int64(m.Batches) {
		t.Fatalf("%d requests; want ≤ minimum %d + one partial per batch (%d)", c.puts.Load(), minimum, m.Batches)
	}
}

func TestOptionErrors(t *testing.T) {
	c := cwl.New(cwl.Options{Region: "us-east-1"})
	for _, o := range []cloudwatch.Options{{}, {Group: "g", RetentionDays: 2}, {Group: "g", MaxEventBytes: 2 << 20}} {
		if _, err := cloudwatch.New(c, o); err == nil {
			t.Errorf("New(%+v) = nil error", o)
		}
	}
}
