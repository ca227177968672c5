package cloudwatch_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// countingSink counts events it stores.
type countingSink struct {
	*loggingfake.Sink
	n atomic.Int64
}

func (c *countingSink) Write(ctx context.Context, batch []logging.Event) (logging.Result, error) {
	res, err := c.Sink.Write(ctx, batch)
	if err == nil {
		c.n.Add(int64(len(batch)))
	}
	return res, err
}

// BenchmarkCloudWatchSource reads 10 streams of 2,500 events each from
// moto in pages of 1,000 (the backlog: events per GetLogEvents call beside
// the minimum, 3 calls a stream), then follows them for 10 s while each
// stream gets 10 events a second, reporting calls per minute and events
// per call for the default 1 s poll, then idles for 15 s (calls per minute
// while the idle streams' intervals grow).
func BenchmarkCloudWatchSource(b *testing.B) {
	cw := cwl.NewFromConfig(testenv.AWS(b))
	const streams, backlog, page = 10, 2500, 1000
	for b.Loop() {
		group := newGroup(b, cw, "cwbench")
		for s := range streams {
			putEvents(b, cw, group, fmt.Sprintf("s%02d", s), 0, backlog)
		}
		src, err := cloudwatch.NewSource(cw, cloudwatch.SourceOptions{Follow: []cloudwatch.Follow{{Group: group}}, PageSize: page})
		if err != nil {
			b.Fatal(err)
		}
		sink := &countingSink{Sink: loggingfake.NewSink(loggingfake.Options{Stream: "cw"})}
		p, err := logging.NewPipeline(logging.Options{}, sink)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		go func() { _ = p.Run(ctx, src) }()
		start := time.Now()
		for sink.n.Load() < streams*backlog && time.Since(start) < 2*time.Minute {
			time.Sleep(10 * time.Millisecond)
		}
		took := time.Since(start)
		st := src.Stats()
		minCalls := streams * ((backlog + page - 1) / page)
		b.ReportMetric(float64(st.Events)/float64(st.GetLogEvents), "backlog-events/call")
		b.ReportMetric(float64(st.GetLogEvents), "backlog-calls")
		b.ReportMetric(float64(minCalls), "backlog-min-calls")
		b.ReportMetric(float64(st.Events)/took.Seconds(), "backlog-events/s")

		// Follow: 10 events a second per stream for 10 s.
		before := src.Stats()
		followStart := time.Now()
		for sec := range 10 {
			for s := range streams {
				putEvents(b, cw, group, fmt.Sprintf("s%02d", s), backlog+sec*10, 10)
			}
			time.Sleep(time.Until(followStart.Add(time.Duration(sec+1) * time.Second)))
		}
		for sink.n.Load() < streams*(backlog+100) && time.Since(followStart) < 30*time.Second {
			time.Sleep(10 * time.Millisecond)
		}
		after := src.Stats()
		mins := time.Since(followStart).Minutes()
		calls := after.GetLogEvents - before.GetLogEvents
		b.ReportMetric(float64(calls)/mins, "follow-calls/min")
		b.ReportMetric(float64(after.DescribeLogStreams-before.DescribeLogStreams)/mins, "follow-describes/min")
		b.ReportMetric(float64(after.Events-before.Events)/float64(calls), "follow-events/call")

		// Idle: no writes for 15 s; idle streams are read less and less
		// often, up to MaxPoll (30 s) apart.
		idleStart := time.Now()
		time.Sleep(15 * time.Second)
		idle := src.Stats()
		b.ReportMetric(float64(idle.GetLogEvents-after.GetLogEvents)/time.Since(idleStart).Minutes(), "idle-calls/min")
		cancel()
		_ = p.Close(context.Background())
	}
}
