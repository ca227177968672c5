package loggingtest_test

import (
	"context"
	"testing"

	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/loggingtest"
)

// Run the conformance suite against your own sink: return a fresh sink
// and a way to read back what the backend stored.
func ExampleRun() {
	_ = func(t *testing.T) {
		loggingtest.Run(t, loggingtest.Harness{
			New: func(t *testing.T) loggingtest.Backend {
				s := loggingfake.New(loggingfake.Options{})
				return loggingtest.Backend{Sink: s, Read: func(_ context.Context, stream string, _ int) ([]loggingtest.Stored, error) {
					var out []loggingtest.Stored
					for _, r := range s.Events(stream) {
						out = append(out, loggingtest.Stored{Time: r.Time, Message: r.Message})
					}
					return out, nil
				}}
			},
			Caps: loggingtest.Capabilities{Chronological: true},
		})
	}
}
