package logging

import (
	"context"
)

// Source produces events. Run emits until ctx is done or the source ends,
// and returns ctx.Err() (or nil) on a clean stop. Sources that keep
// checkpoints set Event.Acker so they learn what was acknowledged.
type Source interface {
	Run(ctx context.Context, out Emitter) error
}

// Emitter accepts events into a pipeline. Emit blocks under the Block
// policy while the buffer is full, and returns ctx.Err() if ctx ends first
// or ErrClosed once the pipeline is closing.
type Emitter interface {
	Emit(ctx context.Context, evs ...Event) error
}
