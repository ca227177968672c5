package loggingfake

import (
	"fmt"
	"unicode/utf8"

	"github.com/opskit-dev/opskit/logging"
)

// check verifies one request against the limits, independently of Pack,
// as the backend would: one bad event fails the whole request.
func check(r logging.Packed, lim logging.Limits) error {
	if lim.StreamRequired && r.Stream == "" {
		return fmt.Errorf("%w: no stream named", ErrLimitViolated)
	}
	bytes := 0
	for i, pe := range r.Events {
		if lim.NoEmpty && len(pe.Message) == 0 {
			return fmt.Errorf("%w: event %d has an empty message (minimum length 1)", ErrLimitViolated, i)
		}
		if !utf8.Valid(pe.Message) {
			return fmt.Errorf("%w: event %d is not valid UTF-8", ErrLimitViolated, i)
		}
		size := len(pe.Message) + lim.PerEventOverhead
		if lim.MaxEventBytes > 0 && size > lim.MaxEventBytes {
			return fmt.Errorf("%w: event %d is %d bytes, limit %d", ErrLimitViolated, i, size, lim.MaxEventBytes)
		}
		bytes += size
		if lim.Chronological && i > 0 && pe.Time.Before(r.Events[i-1].Time) {
			return fmt.Errorf("%w: event %d is out of chronological order", ErrLimitViolated, i)
		}
	}
	if lim.MaxBatchBytes > 0 && bytes > lim.MaxBatchBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrLimitViolated, bytes, lim.MaxBatchBytes)
	}
	if lim.MaxBatchEvents > 0 && len(r.Events) > lim.MaxBatchEvents {
		return fmt.Errorf("%w: %d events, limit %d", ErrLimitViolated, len(r.Events), lim.MaxBatchEvents)
	}
	if lim.MaxSpan > 0 && len(r.Events) > 1 {
		first, last := r.Events[0].Time, r.Events[0].Time
		for _, pe := range r.Events {
			if pe.Time.Before(first) {
				first = pe.Time
			}
			if pe.Time.After(last) {
				last = pe.Time
			}
		}
		if last.Sub(first) > lim.MaxSpan {
			return fmt.Errorf("%w: span %v, limit %v", ErrLimitViolated, last.Sub(first), lim.MaxSpan)
		}
	}
	return nil
}
