package loggingtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// This file holds the cases about delivery: what a batch stores, in
// which order, retried, empty, after Close, and not retained.

// testShipAndReadBack ships three streams through a real Pipeline.
func testShipAndReadBack(t *testing.T, h Harness) {
	p, err := logging.NewPipeline(logging.Options{BatchEvents: 300, Linger: 10 * time.Millisecond}, h.Sink())
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	streams := []string{streamName(t, "a"), streamName(t, "b"), streamName(t, "c")}
	want := map[string][]string{}
	first := map[string]time.Time{}
	for i := 0; i < 900; i++ {
		s := streams[i%3]
		if _, ok := first[s]; !ok {
			first[s] = base.Add(time.Duration(i) * time.Millisecond)
		}
		msg := fmt.Sprintf("line %04d héllo wörld ✓ \"quoted\" \\ tab\t", i)
		want[s] = append(want[s], msg)
		if err := p.Emit(context.Background(), event(s, base.Add(time.Duration(i)*time.Millisecond), msg, int64(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(readCtx(t)); err != nil {
		t.Fatalf("Close = %v", err)
	}
	m := p.Metrics()
	if m.Shipped != 900 || m.DroppedTotal() != 0 {
		t.Fatalf("metrics shipped=%d dropped=%v; want 900 and none", m.Shipped, m.Dropped)
	}
	for _, s := range streams {
		got := expect(t, h, s, want[s])
		for i := 1; i < len(got); i++ {
			if got[i].Time.Before(got[i-1].Time) {
				t.Fatalf("stream %s: event %d time %v before %v", s, i, got[i].Time, got[i-1].Time)
			}
		}
		if got[0].Time.Sub(first[s]).Abs() >= time.Millisecond {
			t.Fatalf("stream %s: first time %v; want %v", s, got[0].Time, first[s])
		}
	}
}

// testLargeBatch writes one batch with more events than one request may hold.
func testLargeBatch(t *testing.T, h Harness) {
	s := streamName(t, "big")
	now := time.Now().Add(-time.Minute)
	var batch []logging.Event
	var want []string
	pad := strings.Repeat("x", 24)
	for i := 0; i < 10050; i++ { // above CloudWatch's 10,000 events per request
		msg := fmt.Sprintf("%06d %s", i, pad)
		want = append(want, msg)
		batch = append(batch, event(s, now, msg, int64(i+1)))
	}
	res := write(t, h.Sink(), batch)
	if len(res.Rejected) != 0 {
		t.Fatalf("rejected %d events; want 0", len(res.Rejected))
	}
	expect(t, h, s, want)
	_ = h.Sink().Close(readCtx(t))
}

// testOutOfOrder writes a batch in reverse time order.
func testOutOfOrder(t *testing.T, h Harness) {
	s := streamName(t, "ooo")
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	var batch []logging.Event
	var want []string
	for i := 9; i >= 0; i-- {
		batch = append(batch, event(s, base.Add(time.Duration(i)*time.Second), fmt.Sprintf("m%d", i), int64(10-i)))
	}
	write(t, h.Sink(), batch)
	for i := 0; i < 10; i++ {
		if capabilities(h).Chronological {
			want = append(want, fmt.Sprintf("m%d", i))
		} else {
			want = append(want, fmt.Sprintf("m%d", 9-i))
		}
	}
	expect(t, h, s, want)
}

// testLongSpan writes one batch spanning more than 24 hours.
func testLongSpan(t *testing.T, h Harness) {
	s := streamName(t, "span")
	now := time.Now()
	ages := []time.Duration{50 * time.Hour, 40 * time.Hour, 26 * time.Hour, time.Hour, time.Minute}
	var batch []logging.Event
	var want []string
	for i, a := range ages {
		msg := fmt.Sprintf("age %v", a)
		want = append(want, msg)
		batch = append(batch, event(s, now.Add(-a), msg, int64(i+1)))
	}
	res := write(t, h.Sink(), batch)
	if len(res.Rejected) != 0 {
		t.Fatalf("rejected %v; want none", res.Rejected)
	}
	expect(t, h, s, want)
}

// testRetriedBatch writes the same batch twice, as a pipeline does after a
// lost acknowledgement.
func testRetriedBatch(t *testing.T, h Harness) {
	s := streamName(t, "retry")
	now := time.Now().Add(-time.Second)
	var batch []logging.Event
	var want []string
	for i := 0; i < 20; i++ {
		m := fmt.Sprintf("r%02d", i)
		batch = append(batch, event(s, now, m, int64(i+1)))
		want = append(want, m)
	}
	write(t, h.Sink(), batch)
	write(t, h.Sink(), batch)
	if !capabilities(h).Deduplicates {
		want = append(want, want...)
		if capabilities(h).Chronological {
			var w []string
			for _, m := range want[:20] {
				w = append(w, m, m)
			}
			// Equal timestamps: the backend may interleave; compare as a multiset.
			got, err := h.Read(readCtx(t), s, 40)
			if err != nil || len(got) != 40 {
				t.Fatalf("Read = %d, %v; want 40", len(got), err)
			}
			count := map[string]int{}
			for _, g := range got {
				count[g.Message]++
			}
			for _, m := range w {
				if count[m] != 2 {
					t.Fatalf("%s stored %d times; want 2", m, count[m])
				}
			}
			return
		}
	}
	expect(t, h, s, want)
}

func testEmptyBatch(t *testing.T, h Harness) {
	res := write(t, h.Sink(), nil)
	if len(res.Rejected) != 0 {
		t.Fatalf("Rejected = %v; want none", res.Rejected)
	}
}

func testWriteAfterClose(t *testing.T, h Harness) {
	if err := h.Sink().Close(readCtx(t)); err != nil {
		t.Fatalf("Close = %v", err)
	}
	_, err := h.Sink().Write(readCtx(t), []logging.Event{event("x", time.Now(), "late", 1)})
	if !errors.Is(err, logging.ErrClosed) {
		t.Fatalf("Write after Close = %v; want logging.ErrClosed", err)
	}
}

// testNotRetained overwrites the batch and its messages after Write
// returns: what the backend stored must not change.
func testNotRetained(t *testing.T, h Harness) {
	s := streamName(t, "reuse")
	now := time.Now().Add(-time.Second).Truncate(time.Millisecond)
	buf := []byte("first-second-third")
	batch := []logging.Event{event(s, now, "", 1), event(s, now, "", 2), event(s, now, "", 3)}
	batch[0].Message, batch[1].Message, batch[2].Message = buf[0:5], buf[6:12], buf[13:18]
	write(t, h.Sink(), batch)
	copy(buf, "XXXXXXXXXXXXXXXXXX")
	for i := range batch {
		batch[i] = event("elsewhere", now, "overwritten", 9)
	}
	expect(t, h, s, []string{"first", "second", "third"})
}
