package loggingfake_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// The fake enforces CloudWatch's limits by default: an oversized event is
// split, a 15-day-old one is rejected with a reason.
func ExampleNewSink() {
	sink := loggingfake.NewSink(loggingfake.Options{})
	now := time.Now()
	res, err := sink.Write(context.Background(), []logging.Event{
		{Time: now, Stream: "s", Message: []byte(strings.Repeat("x", 300<<10))},
		{Time: now.Add(-15 * 24 * time.Hour), Stream: "s", Message: []byte("stale")},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println("stored events:", len(sink.Events("s")))
	fmt.Println("rejected:", res.Rejected[0].Index, res.Rejected[0].Reason)
	// Output:
	// stored events: 2
	// rejected: 1 too_old
}

// Refuse and FailNext simulate an outage: the pipeline retries, nothing is
// acknowledged while the sink refuses, and everything is stored once it
// accepts again.
func ExampleSink_Refuse() {
	sink := loggingfake.NewSink(loggingfake.Options{Stream: "app"})
	sink.Refuse(loggingfake.ErrRefused)
	p, err := logging.NewPipeline(logging.Options{Linger: -1, Backoff: logging.Backoff{Initial: time.Millisecond, Max: time.Millisecond}}, sink)
	if err != nil {
		panic(err)
	}
	_ = p.Emit(context.Background(), logging.Event{Time: time.Now(), Message: []byte("during the outage")})
	for sink.Writes() < 3 {
		time.Sleep(time.Millisecond)
	}
	sink.FailNext(2) // two more failures after the outage ends
	sink.Refuse(nil)
	if err := p.Close(context.Background()); err != nil {
		panic(err)
	}
	fmt.Println("stored:", sink.Events("app")[0].Message)
	fmt.Println("retried through 5 failed writes or more:", p.Metrics().Failures >= 5)
	// Output:
	// stored: during the outage
	// retried through 5 failed writes or more: true
}
