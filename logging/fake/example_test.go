package fake_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/fake"
)

// The fake enforces CloudWatch's limits by default: an oversized event is
// split, a 15-day-old one is rejected with a reason.
func ExampleNew() {
	sink := fake.New(fake.Options{})
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
