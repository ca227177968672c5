package logging_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// A pipeline buffers events between sources and sinks and ships them in
// batches; Close flushes.
func ExampleNewPipeline() {
	sink := loggingfake.NewSink(loggingfake.Options{})
	p, err := logging.NewPipeline(logging.Options{Policy: logging.Block}, sink)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		_ = p.Emit(ctx, logging.Event{Time: time.Now(), Stream: "app", Message: []byte(fmt.Sprintf("request %d served", i))})
	}
	if err := p.Close(ctx); err != nil {
		panic(err)
	}
	for _, r := range sink.Events("app") {
		fmt.Println(r.Message)
	}
	m := p.Metrics()
	fmt.Println("read", m.Read, "shipped", m.Shipped, "dropped", m.DroppedTotal())
	// Output:
	// request 1 served
	// request 2 served
	// request 3 served
	// read 3 shipped 3 dropped 0
}

// The slog handler ships JSON records without blocking the caller and
// flushes on Close within a deadline.
func ExampleNewHandler() {
	sink := loggingfake.NewSink(loggingfake.Options{})
	h, err := logging.NewHandler(&logging.HandlerOptions{Stream: "api"}, sink)
	if err != nil {
		panic(err)
	}
	log := slog.New(h).With("service", "billing")
	log.Info("invoice sent", "id", 42)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.Close(ctx); err != nil {
		panic(err)
	}
	for _, r := range sink.Events("api") {
		var rec map[string]any
		_ = json.Unmarshal([]byte(r.Message), &rec)
		fmt.Println(rec["level"], rec["msg"], rec["service"], rec["id"])
	}
	// Output:
	// INFO invoice sent billing 42
}
