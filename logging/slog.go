package logging

import (
	"bytes"
	"context"
	"log/slog"
	"time"
)

// HandlerOptions configures a Handler.
type HandlerOptions struct {
	// Level is the minimum level (default slog.LevelInfo).
	Level slog.Leveler
	// AddSource adds the caller's file and line.
	AddSource bool
	// ReplaceAttr rewrites attributes, as in slog.HandlerOptions.
	ReplaceAttr func(groups []string, a slog.Attr) slog.Attr
	// Stream and Source are set on every event.
	Stream, Source string
	// Pipeline configures the handler's own pipeline. Its Policy is always
	// DropOldest, so logging never waits for a sink; drops are counted in
	// Metrics.
	Pipeline Options
}

// Handler is a log/slog handler that ships each record as one JSON object
// (the encoding of slog.JSONHandler: time, level, msg, attributes) to
// sinks through its own pipeline. Handle never blocks on the network: the
// record is encoded and buffered, and a full buffer drops the oldest
// records (counted). Close flushes within a deadline.
type Handler struct {
	inner slog.Handler
	p     *Pipeline
	opts  *HandlerOptions
}

// emitWriter turns each JSONHandler output into an event.
type emitWriter struct {
	p    *Pipeline
	opts *HandlerOptions
}

// Write is called once per record, under the JSON handler's lock.
func (w *emitWriter) Write(b []byte) (int, error) {
	msg := bytes.TrimSuffix(b, []byte{'\n'})
	ev := Event{Time: recordTime(msg), Message: append([]byte(nil), msg...), Stream: w.opts.Stream, Source: w.opts.Source}
	// DropOldest: never waits.
	_ = w.p.Emit(context.Background(), ev)
	return len(b), nil
}

// recordTime reads the "time" field the JSON handler writes first.
func recordTime(msg []byte) time.Time {
	const prefix = `{"time":"`
	if bytes.HasPrefix(msg, []byte(prefix)) {
		rest := msg[len(prefix):]
		if i := bytes.IndexByte(rest, '"'); i > 0 {
			if t, err := time.Parse(time.RFC3339Nano, string(rest[:i])); err == nil {
				return t
			}
		}
	}
	return time.Now()
}

// NewHandler starts a handler shipping to sinks.
func NewHandler(opts *HandlerOptions, sinks ...Sink) (*Handler, error) {
	if opts == nil {
		opts = &HandlerOptions{}
	}
	o := *opts
	o.Pipeline.Policy = DropOldest
	p, err := NewPipeline(o.Pipeline, sinks...)
	if err != nil {
		return nil, err
	}
	inner := slog.NewJSONHandler(&emitWriter{p: p, opts: &o}, &slog.HandlerOptions{Level: o.Level, AddSource: o.AddSource, ReplaceAttr: o.ReplaceAttr})
	return &Handler{inner: inner, p: p, opts: &o}, nil
}

// Enabled implements slog.Handler.
func (h *Handler) Enabled(ctx context.Context, l slog.Level) bool { return h.inner.Enabled(ctx, l) }

// Handle implements slog.Handler; it encodes and buffers the record.
func (h *Handler) Handle(ctx context.Context, r slog.Record) error {
	return h.inner.Handle(context.WithoutCancel(ctx), r)
}

// WithAttrs implements slog.Handler.
func (h *Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &Handler{inner: h.inner.WithAttrs(attrs), p: h.p, opts: h.opts}
}

// WithGroup implements slog.Handler.
func (h *Handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	return &Handler{inner: h.inner.WithGroup(name), p: h.p, opts: h.opts}
}

// Metrics returns the handler pipeline's counters.
func (h *Handler) Metrics() Metrics { return h.p.Metrics() }

// Close ships what is buffered until ctx ends, then closes the sinks.
// Records logged after Close are dropped.
func (h *Handler) Close(ctx context.Context) error { return h.p.Close(ctx) }
