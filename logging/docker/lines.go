package docker

import (
	"bytes"
	"context"
	"time"

	"github.com/opskit-dev/opskit/logging"
)

// lineWriter turns one demultiplexed stream into events.
type lineWriter struct {
	ctx            context.Context
	out            logging.Emitter
	src            *Source
	stream, source string
	origin         string
	fields         map[string]string
	partial        []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n := len(p)
	data := append(w.partial, p...)
	var evs []logging.Event
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		evs = append(evs, w.event(data[:i]))
		data = data[i+1:]
	}
	w.partial = append([]byte(nil), data...)
	if len(evs) > 0 {
		if err := w.out.Emit(w.ctx, evs...); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func (w *lineWriter) flush() error {
	if len(w.partial) == 0 {
		return nil
	}
	ev := w.event(w.partial)
	w.partial = nil
	return w.out.Emit(w.ctx, ev)
}

// event parses the RFC 3339 timestamp Docker prefixes with Timestamps.
func (w *lineWriter) event(line []byte) logging.Event {
	line = bytes.TrimSuffix(line, []byte{'\r'})
	ts := time.Now()
	if i := bytes.IndexByte(line, ' '); i > 0 {
		if t, err := time.Parse(time.RFC3339Nano, string(line[:i])); err == nil {
			ts, line = t, line[i+1:]
		}
	}
	return logging.Event{Time: ts, Message: append([]byte(nil), line...), Stream: w.stream, Source: w.source,
		Origin: w.origin, Offset: ts.UnixNano(), Fields: w.fields, Acker: w.src}
}
