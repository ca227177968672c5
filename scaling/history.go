package scaling

import "time"

// History is what the engine remembers of one group between decisions:
// recent recommendations for the stabilization windows, recent changes for
// the rate limits, and how long the group has been observed. The Controller
// keeps one per group; callers of Engine.Decide keep their own and call
// Record after each decision. The zero value is an empty history.
type History struct {
	// Since is when observation began. Scale-in waits until a whole
	// scale-in window has been observed since then, so a restarted
	// controller never scales in on a partial window.
	Since time.Time
	// Last is when the previous decision was recorded.
	Last time.Time
	recs []record
	chgs []change
}

type record struct {
	at time.Time
	n  int
}

type change struct {
	at    time.Time
	delta int
}

// keep is how long records stay: the longest window or period allowed.
const keep = maxWindow

// Record remembers d: its recommendation always, its change of capacity
// when applied is true (the backend accepted it).
func (h *History) Record(d Decision, applied bool) {
	if h.Since.IsZero() {
		h.Since = d.At
	}
	h.Last = d.At
	h.recs = append(prune(h.recs, d.At), record{d.At, d.Recommended})
	h.chgs = pruneChanges(h.chgs, d.At)
	if applied && d.Desired != d.Current {
		h.chgs = append(h.chgs, change{d.At, d.Desired - d.Current})
	}
}

func prune(rs []record, now time.Time) []record {
	i := 0
	for i < len(rs) && now.Sub(rs[i].at) > keep {
		i++
	}
	if i == 0 {
		return rs
	}
	return append(rs[:0], rs[i:]...)
}

func pruneChanges(cs []change, now time.Time) []change {
	i := 0
	for i < len(cs) && now.Sub(cs[i].at) > maxPeriod {
		i++
	}
	if i == 0 {
		return cs
	}
	return append(cs[:0], cs[i:]...)
}

// changed returns the net change of capacity applied within period.
func (h *History) changed(now time.Time, period time.Duration) int {
	if h == nil {
		return 0
	}
	n := 0
	for _, c := range h.chgs {
		if now.Sub(c.at) < period {
			n += c.delta
		}
	}
	return n
}

// stabilize returns the lowest (up) or highest (!up) of rec and the
// recommendations within window.
func (h *History) stabilize(now time.Time, window time.Duration, rec int, up bool) int {
	if h == nil {
		return rec
	}
	for _, r := range h.recs {
		if now.Sub(r.at) >= window {
			continue
		}
		if up && r.n < rec || !up && r.n > rec {
			rec = r.n
		}
	}
	return rec
}
