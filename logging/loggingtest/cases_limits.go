package loggingtest

import (
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// This file holds the cases about the limits a backend may enforce: the
// event size and the accepted time window.

// testOversize writes an event twice the event limit.
func testOversize(t *testing.T, h Harness) {
	if capabilities(h).MaxEventBytes == 0 {
		t.Skip("backend declares no event size limit")
	}
	s := streamName(t, "huge")
	var sb strings.Builder
	for sb.Len() < 2*capabilities(h).MaxEventBytes+100 {
		sb.WriteString("é0123456789")
	}
	big := sb.String()
	res := write(t, h.Sink(), []logging.Event{event(s, time.Now(), "before", 1), event(s, time.Now(), big, 2), event(s, time.Now(), "after", 3)})
	maxMsg := capabilities(h).MaxEventBytes - capabilities(h).PerEventOverhead
	switch capabilities(h).Oversize {
	case logging.Reject:
		if len(res.Rejected) != 1 || res.Rejected[0].Index != 1 || res.Rejected[0].Reason != logging.ReasonTooLarge {
			t.Fatalf("Rejected = %v; want index 1 too_large", res.Rejected)
		}
		expect(t, h, s, []string{"before", "after"})
	case logging.Truncate:
		got, err := h.Read(readCtx(t), s, 3)
		if err != nil || len(got) != 3 {
			t.Fatalf("Read = %d events, %v; want 3", len(got), err)
		}
		m := got[1].Message
		if len(m) > maxMsg || !strings.HasSuffix(m, logging.TruncateSuffix) || !strings.HasPrefix(big, strings.TrimSuffix(m, logging.TruncateSuffix)) {
			t.Fatalf("truncated message of %d bytes is not a prefix plus %q within %d bytes", len(m), logging.TruncateSuffix, maxMsg)
		}
	default:
		got, err := h.Read(readCtx(t), s, 5)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) < 4 || got[0].Message != "before" || got[len(got)-1].Message != "after" {
			t.Fatalf("Read = %d events; want before, ≥2 parts, after", len(got))
		}
		var joined strings.Builder
		for _, g := range got[1 : len(got)-1] {
			if len(g.Message) > maxMsg {
				t.Fatalf("part of %d bytes exceeds %d", len(g.Message), maxMsg)
			}
			joined.WriteString(g.Message)
		}
		if joined.String() != big {
			t.Fatalf("parts joined (%d bytes) differ from the original (%d bytes)", joined.Len(), len(big))
		}
	}
}

// testTooOldTooNew writes events outside the accepted window.
func testTooOldTooNew(t *testing.T, h Harness) {
	if capabilities(h).MaxAge == 0 && capabilities(h).MaxFuture == 0 {
		t.Skip("backend declares no time window")
	}
	s := streamName(t, "window")
	now := time.Now()
	batch := []logging.Event{event(s, now.Add(-time.Minute), "ok1", 1)}
	if capabilities(h).MaxAge > 0 {
		batch = append(batch, event(s, now.Add(-capabilities(h).MaxAge-time.Hour), "old", 2))
	}
	if capabilities(h).MaxFuture > 0 {
		batch = append(batch, event(s, now.Add(capabilities(h).MaxFuture+time.Hour), "new", 3))
	}
	batch = append(batch, event(s, now, "ok2", 4))
	res := write(t, h.Sink(), batch)
	reasons := map[string]int{}
	for _, r := range res.Rejected {
		reasons[r.Reason]++
		if m := string(batch[r.Index].Message); m != "old" && m != "new" {
			t.Fatalf("rejected %q (%s); want only old/new", m, r.Reason)
		}
	}
	if capabilities(h).MaxAge > 0 && reasons[logging.ReasonTooOld] != 1 {
		t.Fatalf("rejections %v; want one %s", reasons, logging.ReasonTooOld)
	}
	if capabilities(h).MaxFuture > 0 && reasons[logging.ReasonTooNew] != 1 {
		t.Fatalf("rejections %v; want one %s", reasons, logging.ReasonTooNew)
	}
	expect(t, h, s, []string{"ok1", "ok2"})
}
