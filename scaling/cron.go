package scaling

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronSpec is a parsed five-field cron expression: minute, hour, day of
// month, month, day of week (0 or 7 is Sunday). Fields take *, numbers,
// ranges a-b, steps */n and a-b/n, and comma lists. As in cron, when both
// day fields are restricted a day matching either one matches.
type cronSpec struct {
	minute, hour, dom, month, dow uint64
	domStar, dowStar              bool
}

func parseCron(expr string) (*cronSpec, error) {
	f := strings.Fields(expr)
	if len(f) != 5 {
		return nil, fmt.Errorf("want 5 fields (minute hour day month weekday), got %d", len(f))
	}
	var c cronSpec
	var err error
	bounds := [5][2]int{{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}}
	dst := [5]*uint64{&c.minute, &c.hour, &c.dom, &c.month, &c.dow}
	for i, s := range f {
		if *dst[i], err = parseCronField(s, bounds[i][0], bounds[i][1]); err != nil {
			return nil, fmt.Errorf("field %d %q: %w", i+1, s, err)
		}
	}
	if c.dow&(1<<7) != 0 {
		c.dow |= 1
	}
	c.domStar, c.dowStar = f[2] == "*", f[4] == "*"
	return &c, nil
}

func parseCronField(s string, lo, hi int) (uint64, error) {
	var set uint64
	for _, part := range strings.Split(s, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n <= 0 {
				return 0, fmt.Errorf("bad step %q", stepStr)
			}
			step = n
		}
		a, b := lo, hi
		if rng != "*" {
			as, bs, isRange := strings.Cut(rng, "-")
			var err error
			if a, err = strconv.Atoi(as); err != nil {
				return 0, fmt.Errorf("bad value %q", as)
			}
			b = a
			if isRange {
				if b, err = strconv.Atoi(bs); err != nil {
					return 0, fmt.Errorf("bad value %q", bs)
				}
			} else if hasStep {
				b = hi
			}
		}
		if a < lo || b > hi || a > b {
			return 0, fmt.Errorf("%d-%d outside %d-%d", a, b, lo, hi)
		}
		for v := a; v <= b; v += step {
			set |= 1 << uint(v)
		}
	}
	return set, nil
}

func (c *cronSpec) dayMatches(t time.Time) bool {
	dom := c.dom&(1<<uint(t.Day())) != 0
	dow := c.dow&(1<<uint(t.Weekday())) != 0
	if c.domStar || c.dowStar {
		return dom && dow
	}
	return dom || dow
}

// prev returns the latest time at or before t (to the minute) the
// expression fires, searching back up to five years; ok is false if none.
func (c *cronSpec) prev(t time.Time) (time.Time, bool) {
	loc := t.Location()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	for i := 0; i < 5*366; i++ {
		if c.month&(1<<uint(day.Month())) != 0 && c.dayMatches(day) {
			for h := 23; h >= 0; h-- {
				if c.hour&(1<<uint(h)) == 0 {
					continue
				}
				for m := 59; m >= 0; m-- {
					if c.minute&(1<<uint(m)) == 0 {
						continue
					}
					at := time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc)
					if !at.After(t) && at.Hour() == h {
						return at, true
					}
				}
			}
		}
		day = time.Date(day.Year(), day.Month(), day.Day()-1, 0, 0, 0, 0, loc)
	}
	return time.Time{}, false
}
