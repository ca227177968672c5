package loggingfake_test

import (
	"context"
	"testing"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/loggingfake"
	"github.com/opskit-dev/opskit/logging/loggingtest"
)

func harness(opts loggingfake.Options, caps loggingtest.Capabilities) loggingtest.Harness {
	return loggingtest.Harness{
		Caps: caps,
		New: func(t *testing.T) loggingtest.Backend {
			s := loggingfake.New(opts)
			return loggingtest.Backend{Sink: s, Read: func(_ context.Context, stream string, _ int) ([]loggingtest.Stored, error) {
				var out []loggingtest.Stored
				for _, r := range s.Events(stream) {
					out = append(out, loggingtest.Stored{Time: r.Time, Message: r.Message})
				}
				return out, nil
			}}
		},
	}
}

func TestConformance(t *testing.T) {
	lim := logging.CloudWatchLimits(0)
	t.Run("fake", func(t *testing.T) {
		loggingtest.Run(t, harness(loggingfake.Options{}, loggingtest.Capabilities{
			Chronological: true, MaxAge: lim.MaxAge, MaxFuture: lim.MaxFuture,
			MaxEventBytes: lim.MaxEventBytes, PerEventOverhead: lim.PerEventOverhead,
			RejectsEmpty: true, RequiresStream: true,
		}))
	})
	t.Run("fake-dedupe", func(t *testing.T) {
		l := lim
		l.MaxEventBytes = 4096
		loggingtest.Run(t, harness(loggingfake.Options{Limits: &l, Deduplicate: true}, loggingtest.Capabilities{
			Deduplicates: true, Chronological: true, MaxAge: l.MaxAge, MaxFuture: l.MaxFuture,
			MaxEventBytes: 4096, PerEventOverhead: l.PerEventOverhead, RejectsEmpty: true, RequiresStream: true,
		}))
	})
	t.Run("fake-truncate-dedupe", func(t *testing.T) {
		l := lim
		l.Oversize = logging.Truncate
		l.MaxEventBytes = 4096
		loggingtest.Run(t, harness(loggingfake.Options{Limits: &l, Deduplicate: true}, loggingtest.Capabilities{
			Deduplicates: true, Chronological: true, MaxAge: l.MaxAge, MaxFuture: l.MaxFuture,
			MaxEventBytes: 4096, Oversize: logging.Truncate, PerEventOverhead: l.PerEventOverhead,
			RejectsEmpty: true, RequiresStream: true,
		}))
	})
}
