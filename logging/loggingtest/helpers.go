package loggingtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// This file holds what every case uses: deadlines, names, events, and
// writing and reading back with the checks every Write must pass.

func readCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func streamName(t *testing.T, suffix string) string {
	n := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	return fmt.Sprintf("%s-%d-%s", n, time.Now().UnixNano()%1e9, suffix)
}

// event is one event of stream; Source repeats the stream so that a
// backend that keeps no stream (a TCP receiver) can still tell them apart.
func event(stream string, at time.Time, msg string, off int64) logging.Event {
	return logging.Event{Time: at, Message: []byte(msg), Stream: stream, Source: stream, Origin: stream, Offset: off}
}

func write(t *testing.T, s logging.Sink, batch []logging.Event) logging.Result {
	t.Helper()
	res, err := s.Write(readCtx(t), batch)
	if err != nil {
		t.Fatalf("Write(%d events) = %v", len(batch), err)
	}
	checkResult(t, res, len(batch))
	return res
}

func expect(t *testing.T, h Harness, stream string, want []string) []Stored {
	t.Helper()
	got, err := h.Read(readCtx(t), stream, len(want))
	if err != nil {
		t.Fatalf("Read(%q) = %v", stream, err)
	}
	if len(got) != len(want) {
		t.Fatalf("Read(%q) returned %d events; want %d", stream, len(got), len(want))
	}
	for i := range want {
		if got[i].Message != want[i] {
			t.Fatalf("Read(%q)[%d] = %.80q; want %.80q", stream, i, got[i].Message, want[i])
		}
	}
	return got
}

// checkResult checks the rule every acknowledged Write follows: each
// rejection names an event of the batch, once, with a reason.
func checkResult(t *testing.T, res logging.Result, n int) {
	t.Helper()
	seen := map[int]bool{}
	for _, r := range res.Rejected {
		if r.Index < 0 || r.Index >= n {
			t.Fatalf("Rejected index %d outside the batch of %d", r.Index, n)
		}
		if seen[r.Index] {
			t.Fatalf("event %d rejected twice: %v", r.Index, res.Rejected)
		}
		seen[r.Index] = true
		if r.Reason == "" {
			t.Fatalf("event %d rejected without a reason", r.Index)
		}
	}
}
