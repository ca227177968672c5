package cloudwatch_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/smithy-go"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// throttling refuses every nth GetLogEvents call with ThrottlingException,
// as CloudWatch does above its per-account rate.
type throttling struct {
	cloudwatch.SourceAPI
	every int64
	calls atomic.Int64
}

func (t *throttling) GetLogEvents(ctx context.Context, in *cwl.GetLogEventsInput, opts ...func(*cwl.Options)) (*cwl.GetLogEventsOutput, error) {
	if t.calls.Add(1)%t.every == 0 {
		return nil, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	}
	return t.SourceAPI.GetLogEvents(ctx, in, opts...)
}

// putEvents writes n events "<stream> NNNNN" starting at first into
// group/stream on moto, creating the stream if needed.
func putEvents(t testing.TB, cw *cwl.Client, group, stream string, first, n int) {
	t.Helper()
	ctx := context.Background()
	_, _ = cw.CreateLogStream(ctx, &cwl.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream)})
	base := time.Now().Add(-time.Minute).UnixMilli()
	for off := 0; off < n; off += 5000 {
		var evs []types.InputLogEvent
		for i := off; i < min(n, off+5000); i++ {
			evs = append(evs, types.InputLogEvent{Timestamp: aws.Int64(base + int64(first+i)), Message: aws.String(fmt.Sprintf("%s %05d", stream, first+i))})
		}
		if _, err := cw.PutLogEvents(ctx, &cwl.PutLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String(stream), LogEvents: evs}); err != nil {
			t.Fatalf("PutLogEvents %s/%s: %v", group, stream, err)
		}
	}
}

// newGroup creates a uniquely named group on moto, deleted when t ends.
func newGroup(t testing.TB, cw *cwl.Client, name string) string {
	t.Helper()
	group := fmt.Sprintf("/opskit/test/%s/%d", name, time.Now().UnixNano())
	if _, err := cw.CreateLogGroup(context.Background(), &cwl.CreateLogGroupInput{LogGroupName: aws.String(group)}); err != nil {
		t.Fatalf("CreateLogGroup: %v", err)
	}
	t.Cleanup(func() {
		_, _ = cw.DeleteLogGroup(context.Background(), &cwl.DeleteLogGroupInput{LogGroupName: aws.String(group)})
	})
	return group
}

// follow runs src into sink until it holds want events (or 30 s passed),
// calling during once it holds duringAt, then stops it cleanly.
func follow(t *testing.T, src *cloudwatch.Source, sink *loggingfake.Sink, want int, duringAt int, during func()) {
	t.Helper()
	p, err := logging.NewPipeline(logging.Options{Linger: 20 * time.Millisecond}, sink)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, src) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) && len(sink.All()) < want {
		if during != nil && len(sink.All()) >= duringAt {
			during()
			during = nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // an extra event would show
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	if err := p.Close(cctx); err != nil {
		t.Fatal(err)
	}
}

// checkStreams checks that sink holds, for each stream, exactly the
// numbered events [from, to) in order, once each.
func checkStreams(t *testing.T, sink *loggingfake.Sink, want map[string][2]int) {
	t.Helper()
	got := map[string][]loggingfake.Record{}
	for _, r := range sink.All() {
		got[r.Fields["log_stream"]] = append(got[r.Fields["log_stream"]], r)
	}
	for stream, span := range want {
		rs := got[stream]
		if len(rs) != span[1]-span[0] {
			t.Fatalf("stream %s: %d events; want %d (%d..%d)", stream, len(rs), span[1]-span[0], span[0], span[1]-1)
		}
		for i, r := range rs {
			if w := fmt.Sprintf("%s %05d", stream, span[0]+i); r.Message != w || r.Offset != int64(span[0]+i+1) {
				t.Fatalf("stream %s event %d = %q offset %d; want %q offset %d", stream, i, r.Message, r.Offset, w, span[0]+i+1)
			}
		}
		delete(got, stream)
	}
	if len(got) > 0 {
		t.Fatalf("unexpected streams read: %v", got)
	}
}

// TestCloudWatchSource reads three streams of a moto group in pages of
// 100 while every fifth call is throttled, finds a fourth stream created
// while it runs and drops one deleted while it runs, and after a restart
// reads only what was added since its checkpoint.
func TestCloudWatchSource(t *testing.T) {
	cw := cwl.NewFromConfig(testenv.AWS(t))
	group := newGroup(t, cw, "cwsource")
	for _, s := range []string{"a", "b", "c"} {
		putEvents(t, cw, group, s, 0, 250)
	}
	cp := filepath.Join(t.TempDir(), "cw.cp")
	api := &throttling{SourceAPI: cw, every: 5}
	opts := cloudwatch.SourceOptions{Follow: []cloudwatch.Follow{{Group: group}}, Checkpoint: cp, PageSize: 100,
		Poll: 100 * time.Millisecond, Discover: 300 * time.Millisecond, Backoff: logging.Backoff{Initial: 10 * time.Millisecond, Max: 50 * time.Millisecond}}
	src, err := cloudwatch.NewSource(api, opts)
	if err != nil {
		t.Fatal(err)
	}
	sink := loggingfake.NewSink(loggingfake.Options{Stream: "cw"})
	// Once the three streams are read, c is deleted (retention, cleanup)
	// and d is created: the source drops one and finds the other.
	follow(t, src, sink, 870, 750, func() {
		if _, err := cw.DeleteLogStream(context.Background(), &cwl.DeleteLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String("c")}); err != nil {
			t.Errorf("DeleteLogStream: %v", err)
		}
		putEvents(t, cw, group, "d", 0, 120)
	})
	checkStreams(t, sink, map[string][2]int{"a": {0, 250}, "b": {0, 250}, "c": {0, 250}, "d": {0, 120}})
	st := src.Stats()
	t.Logf("first run: %+v", st)
	if st.Throttled == 0 || st.Streams != 3 {
		t.Fatalf("stats %+v; want throttled calls retried and 3 streams followed (c deleted)", st)
	}
	// The deleted stream, wholly acknowledged, left the checkpoint.
	if data, err := os.ReadFile(cp); err != nil || len(src.Streams()) != 3 || strings.Contains(string(data), `"stream":"c"`) {
		t.Fatalf("checkpoint %s: %s %v; %d streams, want 3", cp, data, err, len(src.Streams()))
	}

	putEvents(t, cw, group, "a", 250, 50)
	putEvents(t, cw, group, "d", 120, 10)
	again, err := cloudwatch.NewSource(cw, opts)
	if err != nil {
		t.Fatal(err)
	}
	sink2 := loggingfake.NewSink(loggingfake.Options{Stream: "cw"})
	follow(t, again, sink2, 60, 0, nil)
	checkStreams(t, sink2, map[string][2]int{"a": {250, 300}, "d": {120, 130}})
}
