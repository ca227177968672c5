package cloudwatch_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// emptyStreams is a group of streams that never get an event.
type emptyStreams struct {
	names []string
	gets  atomic.Int64
}

func (e *emptyStreams) DescribeLogStreams(context.Context, *cwl.DescribeLogStreamsInput, ...func(*cwl.Options)) (*cwl.DescribeLogStreamsOutput, error) {
	out := &cwl.DescribeLogStreamsOutput{}
	for _, n := range e.names {
		out.LogStreams = append(out.LogStreams, types.LogStream{LogStreamName: aws.String(n)})
	}
	return out, nil
}

func (e *emptyStreams) GetLogEvents(_ context.Context, in *cwl.GetLogEventsInput, _ ...func(*cwl.Options)) (*cwl.GetLogEventsOutput, error) {
	e.gets.Add(1)
	tok := aws.ToString(in.NextToken)
	if tok == "" {
		tok = "f/0"
	}
	return &cwl.GetLogEventsOutput{NextForwardToken: aws.String(tok)}, nil
}

// TestIdleStreamsBackOff: a stream that keeps returning nothing is read
// at doubling intervals up to MaxPoll, not every Poll.
func TestIdleStreamsBackOff(t *testing.T) {
	api := &emptyStreams{names: []string{"a", "b"}}
	src, err := cloudwatch.NewSource(api, cloudwatch.SourceOptions{Follow: []cloudwatch.Follow{{Group: "g"}},
		Poll: 50 * time.Millisecond, MaxPoll: 400 * time.Millisecond, Discover: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	p, err := logging.NewPipeline(logging.Options{}, loggingfake.NewSink(loggingfake.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_ = src.Run(ctx, p)
	// Reads at 0, 50, 150, 350, 750 and 1150 ms: 6 a stream; a fixed
	// 50 ms poll would make 30.
	if n := api.gets.Load(); n < 8 || n > 16 {
		t.Fatalf("%d GetLogEvents calls for 2 idle streams in 1.5 s; want about 12", n)
	}
}
