package loggingtest

import (
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// This file holds the cases about what an event carries that a backend may
// refuse or rewrite: an empty message, no stream, invalid UTF-8, and a
// message split into equal pieces.

// testBlankLine writes an empty message between two others: a backend that
// refuses it must cost only that event (never an error that fails, and so
// retries, the whole batch).
func testBlankLine(t *testing.T, h Harness) {
	s := streamName(t, "blank")
	now := time.Now().Add(-time.Second)
	res := write(t, h.Sink(), []logging.Event{event(s, now, "before", 1), event(s, now, "", 2), event(s, now, "after", 3)})
	if capabilities(h).RejectsEmpty {
		if len(res.Rejected) != 1 || res.Rejected[0].Index != 1 || res.Rejected[0].Reason != logging.ReasonEmpty {
			t.Fatalf("Rejected = %v; want index 1 %s", res.Rejected, logging.ReasonEmpty)
		}
		expect(t, h, s, []string{"before", "after"})
		return
	}
	if len(res.Rejected) != 0 {
		t.Fatalf("Rejected = %v; want none", res.Rejected)
	}
	expect(t, h, s, []string{"before", "", "after"})
}

// testNoStream writes an event without a Stream between two with one.
func testNoStream(t *testing.T, h Harness) {
	s := streamName(t, "named")
	now := time.Now().Add(-time.Second)
	orphan := event("", now, "orphan "+s, 2)
	orphan.Origin = s + "-orphan"
	res := write(t, h.Sink(), []logging.Event{event(s, now, "first", 1), orphan, event(s, now, "second", 3)})
	if capabilities(h).RequiresStream {
		if len(res.Rejected) != 1 || res.Rejected[0].Index != 1 || res.Rejected[0].Reason != logging.ReasonInvalid {
			t.Fatalf("Rejected = %v; want index 1 %s", res.Rejected, logging.ReasonInvalid)
		}
		expect(t, h, s, []string{"first", "second"})
		return
	}
	if len(res.Rejected) != 0 {
		t.Fatalf("Rejected = %v; want none", res.Rejected)
	}
	expect(t, h, s, []string{"first", "second"})
	expect(t, h, "", []string{"orphan " + s})
}

// testInvalidUTF8 writes bytes that are not UTF-8: every backend stores
// valid text with each invalid byte replaced by U+FFFD, as JSON encoders
// do, and the valid text around them unchanged.
func testInvalidUTF8(t *testing.T, h Harness) {
	s := streamName(t, "utf8")
	now := time.Now().Add(-time.Second)
	in := "ok \xff\xfe end \xe2\x82 \xc3é"
	want := "ok \uFFFD\uFFFD end \uFFFD\uFFFD \uFFFDé"
	res := write(t, h.Sink(), []logging.Event{event(s, now, in, 1)})
	if len(res.Rejected) != 0 {
		t.Fatalf("Rejected = %v; want none", res.Rejected)
	}
	expect(t, h, s, []string{want})
}

// testSplitEqualPieces writes, twice, a message that splits into two
// pieces of equal length: the first write stores both pieces (a backend
// that deduplicates must not take the second for a copy of the first), the
// second stores nothing new if the backend deduplicates.
func testSplitEqualPieces(t *testing.T, h Harness) {
	if capabilities(h).MaxEventBytes == 0 || capabilities(h).Oversize != logging.Split {
		t.Skip("backend does not split oversized events")
	}
	s := streamName(t, "halves")
	maxMsg := capabilities(h).MaxEventBytes - capabilities(h).PerEventOverhead
	first, second := strings.Repeat("a", maxMsg), strings.Repeat("b", maxMsg)
	batch := []logging.Event{event(s, time.Now().Add(-time.Second), first+second, 1)}
	write(t, h.Sink(), batch)
	expect(t, h, s, []string{first, second})
	write(t, h.Sink(), batch)
	if capabilities(h).Deduplicates {
		expect(t, h, s, []string{first, second})
		return
	}
	got, err := h.Read(readCtx(t), s, 4)
	if err != nil {
		t.Fatalf("Read(%q) = %v", s, err)
	}
	count := map[string]int{}
	for _, g := range got {
		count[g.Message]++
	}
	if len(got) != 4 || count[first] != 2 || count[second] != 2 {
		t.Fatalf("after two writes read %d events, first piece %d times, second %d; want each piece twice", len(got), count[first], count[second])
	}
}
