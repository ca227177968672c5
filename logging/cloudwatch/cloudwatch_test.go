package cloudwatch_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
)

// recording is an in-memory PutLogEvents endpoint that checks every
// request against the documented limits, counts requests and injects
// throttling; the packing measurement runs on it so moto's shared state
// stays small.
type recording struct {
	mu       sync.Mutex
	puts     int
	throttle int
	events   map[string][]string
	t        *testing.T
}

func (r *recording) PutLogEvents(_ context.Context, in *cwl.PutLogEventsInput, _ ...func(*cwl.Options)) (*cwl.PutLogEventsOutput, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.throttle > 0 {
		r.throttle--
		return nil, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	}
	// Like PutLogEvents: one empty message or an unnamed stream fails
	// the whole request.
	if aws.ToString(in.LogStreamName) == "" {
		return nil, &smithy.GenericAPIError{Code: "InvalidParameterException", Message: "1 validation error detected: logStreamName: minimum length 1"}
	}
	for _, e := range in.LogEvents {
		if aws.ToString(e.Message) == "" {
			return nil, &smithy.GenericAPIError{Code: "InvalidParameterException", Message: "1 validation error detected: logEvents.message: minimum length 1"}
		}
	}
	r.puts++
	size := 0
	var first, last int64
	for i, e := range in.LogEvents {
		size += len(aws.ToString(e.Message)) + 26
		ts := aws.ToInt64(e.Timestamp)
		if i == 0 {
			first = ts
		} else if ts < last {
			r.t.Errorf("request %d: events out of chronological order", r.puts)
		}
		last = ts
		r.events[aws.ToString(in.LogStreamName)] = append(r.events[aws.ToString(in.LogStreamName)], aws.ToString(e.Message))
	}
	if size > 1_048_576 || len(in.LogEvents) > 10_000 || last-first > 24*3600*1000 {
		r.t.Errorf("request %d breaks a limit: %d bytes, %d events, span %d ms", r.puts, size, len(in.LogEvents), last-first)
	}
	return &cwl.PutLogEventsOutput{}, nil
}
func (r *recording) CreateLogGroup(context.Context, *cwl.CreateLogGroupInput, ...func(*cwl.Options)) (*cwl.CreateLogGroupOutput, error) {
	return &cwl.CreateLogGroupOutput{}, nil
}
func (r *recording) CreateLogStream(context.Context, *cwl.CreateLogStreamInput, ...func(*cwl.Options)) (*cwl.CreateLogStreamOutput, error) {
	return &cwl.CreateLogStreamOutput{}, nil
}
func (r *recording) PutRetentionPolicy(context.Context, *cwl.PutRetentionPolicyInput, ...func(*cwl.Options)) (*cwl.PutRetentionPolicyOutput, error) {
	return &cwl.PutRetentionPolicyOutput{}, nil
}

// TestPacking ships a mixed workload (sizes 20-420 bytes, a 300 KiB event
// every 5,000, timestamps spanning 30 hours) and reports requests sent
// versus the minimum the PutLogEvents limits allow.
func TestPacking(t *testing.T) {
	r := &recording{throttle: 3, events: map[string][]string{}, t: t}
	s, err := cloudwatch.NewSink(r, cloudwatch.Options{Group: "g", Stream: "s", Backoff: logging.Backoff{Initial: time.Millisecond, Max: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := logging.NewPipeline(logging.Options{BatchEvents: 50_000, BatchBytes: 16 << 20, Linger: 50 * time.Millisecond}, s)
	if err != nil {
		t.Fatal(err)
	}
	const n = 100_000
	start := time.Now().Add(-30 * time.Hour)
	events, bytes := 0, 0
	for i := 0; i < n; i++ {
		size := 20 + (i*7919)%400
		if i%5000 == 0 {
			size = 300 << 10 // split into 2 events
		}
		msg := strings.Repeat("x", size)
		for _, part := range logging.SplitMessage([]byte(msg), 256<<10-26) {
			events++
			bytes += len(part) + 26
		}
		at := start.Add(time.Duration(i) * 30 * time.Hour / n)
		if err := p.Emit(context.Background(), logging.Event{Time: at, Message: []byte(msg)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := p.Metrics()
	minimum := logging.MinRequests(events, bytes, logging.CloudWatchLimits(0))
	t.Logf("CloudWatch packing: %d events (%d after splitting, %d bytes counted) in %d batches → %d PutLogEvents requests; minimum the limits allow %d (ratio %.2f); 3 throttles retried",
		n, events, bytes, m.Batches, r.puts, minimum, float64(r.puts)/float64(minimum))
	if m.Shipped != n || len(r.events["s"]) != events {
		t.Fatalf("shipped %d, stored %d; want %d, %d", m.Shipped, len(r.events["s"]), n, events)
	}
	// Each pipeline batch may end with one partial request, and the 24 h
	// span rule may force one more cut.
	if r.puts > minimum+int(m.Batches)+1 {
		t.Fatalf("%d requests; want ≤ minimum %d + one partial per batch (%d) + 1", r.puts, minimum, m.Batches)
	}
}

func TestOptionErrors(t *testing.T) {
	c := cwl.New(cwl.Options{Region: "us-east-1"})
	for _, o := range []cloudwatch.Options{{}, {Group: "g", RetentionDays: 2}, {Group: "g", MaxEventBytes: 2 << 20}} {
		if _, err := cloudwatch.NewSink(c, o); err == nil {
			t.Errorf("NewSink(%+v) = nil error", o)
		}
	}
}
