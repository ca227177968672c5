package logging_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

func TestSlogTest(t *testing.T) {
	var sink *loggingfake.Sink
	var h *logging.Handler
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		sink = loggingfake.NewSink(loggingfake.Options{Limits: &logging.Limits{}})
		var err error
		h, err = logging.NewHandler(&logging.HandlerOptions{Pipeline: logging.Options{Linger: -1}}, sink)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}, func(t *testing.T) map[string]any {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := h.Close(ctx); err != nil {
			t.Fatal(err)
		}
		recs := sink.All()
		if len(recs) != 1 {
			t.Fatalf("sink holds %d records; want 1", len(recs))
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(recs[0].Message), &m); err != nil {
			t.Fatal(err)
		}
		return m
	})
}

func TestHandlerNonBlockingAndCloseDeadline(t *testing.T) {
	sink := loggingfake.NewSink(loggingfake.Options{})
	sink.Refuse(loggingfake.ErrRefused) // a dead backend
	h, err := logging.NewHandler(&logging.HandlerOptions{Stream: "app", Pipeline: logging.Options{BufferEvents: 100, Linger: -1}}, sink)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(h)
	start := time.Now()
	for i := 0; i < 10000; i++ {
		log.Info("hello", "i", i)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("10000 records took %v with a dead sink; Handle must not block", d)
	}
	if m := h.Metrics(); m.Dropped[logging.ReasonOverflow] < 9000 {
		t.Fatalf("dropped %v; want ≥ 9000 overflow drops", m.Dropped)
	}
	sink.Refuse(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.Close(ctx); err != nil {
		t.Fatal(err)
	}
	recs := sink.Events("app")
	if len(recs) == 0 || len(recs) > 200 { // the buffer plus the batch in flight
		t.Fatalf("flushed %d records; want ≤ 200", len(recs))
	}
	var m map[string]any
	_ = json.Unmarshal([]byte(recs[len(recs)-1].Message), &m)
	if m["i"] != float64(9999) {
		t.Fatalf("last record %v; want i=9999 (drop-oldest keeps the newest)", m)
	}
	// A second handler whose sink never recovers: Close honours its deadline.
	dead := loggingfake.NewSink(loggingfake.Options{})
	dead.Refuse(loggingfake.ErrRefused)
	h2, _ := logging.NewHandler(nil, dead)
	slog.New(h2).Error("lost")
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	start = time.Now()
	if err := h2.Close(ctx2); err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("Close with a dead sink = %v after %v; want a deadline error promptly", err, time.Since(start))
	}
}
