package busfake

import (
	"testing"
	"time"
)

func TestStreamStart(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	q := &queue{qtype: "stream"}
	for i := range 4 {
		q.log = append(q.log, streamEntry{m: &qmsg{}, at: t0.Add(time.Duration(i) * time.Hour)})
	}
	now := t0.Add(3*time.Hour + 30*time.Minute)
	for _, c := range []struct {
		arg  any
		want int64
	}{
		{nil, 4}, {"next", 4}, {"first", 0}, {"last", 3},
		{int64(2), 2}, {int32(9), 4}, {uint8(1), 1},
		{t0.Add(90 * time.Minute), 2}, {t0.Add(-time.Hour), 0}, {t0.Add(9 * time.Hour), 4},
		{"2h", 2}, {"1D", 0}, {"30m", 3}, {"10m", 4},
	} {
		got, err := q.streamStart(c.arg, now)
		if err != nil || got != c.want {
			t.Errorf("streamStart(%v) = %d, %v; want %d", c.arg, got, err, c.want)
		}
	}
	for _, bad := range []any{"x", "0h", "-1h", "5w", int64(-1), 1.5, []byte("first")} {
		if _, err := q.streamStart(bad, now); err == nil {
			t.Errorf("streamStart(%#v) accepted", bad)
		}
	}
	if got, _ := (&queue{qtype: "stream"}).streamStart("last", now); got != 0 {
		t.Errorf("last of an empty stream = %d", got)
	}
}
