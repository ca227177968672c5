package loggingtest_test

import (
	"context"
	"testing"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/loggingtest"
)

// harness runs the suite on loggingfake. Write yours the same way: your
// sink, a reader for your backend, and (Capabilities, optional) what your
// backend does differently.
type harness struct{ sink *loggingfake.Sink }

func (h harness) Sink() logging.Sink { return h.sink }

func (h harness) Read(_ context.Context, stream string, _ int) ([]loggingtest.Stored, error) {
	var out []loggingtest.Stored
	for _, r := range h.sink.Events(stream) {
		out = append(out, loggingtest.Stored{Time: r.Time, Message: r.Message})
	}
	return out, nil
}

func (h harness) Capabilities() loggingtest.Capabilities {
	lim := h.sink.Limits()
	return loggingtest.Capabilities{
		Chronological: lim.Chronological, MaxAge: lim.MaxAge, MaxFuture: lim.MaxFuture,
		MaxEventBytes: lim.MaxEventBytes, Oversize: lim.Oversize, PerEventOverhead: lim.PerEventOverhead,
		RejectsEmpty: lim.NoEmpty, RequiresStream: lim.StreamRequired,
	}
}

// Run the conformance suite against a sink: a HarnessMaker returns a
// fresh backend for every case.
func ExampleRun() {
	_ = func(t *testing.T) {
		loggingtest.Run(t, func(t *testing.T) loggingtest.Harness {
			return harness{loggingfake.NewSink(loggingfake.Options{})}
		})
	}
}
