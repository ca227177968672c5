package cli

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// switchHandler is a slog.Handler whose destination can be replaced while
// other goroutines log (the signal handler does): Env.Log is made once
// over it, and Parse swaps in the handler --json and -v ask for.
type switchHandler struct {
	h atomic.Pointer[slog.Handler]
}

func (s *switchHandler) set(h slog.Handler) { s.h.Store(&h) }

func (s *switchHandler) cur() slog.Handler { return *s.h.Load() }

// Enabled implements slog.Handler.
func (s *switchHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return s.cur().Enabled(ctx, l)
}

// Handle implements slog.Handler.
func (s *switchHandler) Handle(ctx context.Context, r slog.Record) error {
	return s.cur().Handle(ctx, r)
}

// WithAttrs implements slog.Handler, over the handler in force now.
func (s *switchHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return s.cur().WithAttrs(attrs)
}

// WithGroup implements slog.Handler, over the handler in force now.
func (s *switchHandler) WithGroup(name string) slog.Handler {
	return s.cur().WithGroup(name)
}
