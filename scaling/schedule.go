package scaling

import "time"

// Schedule is a scheduled action: from each time Cron fires (in Location)
// until another schedule fires, Min and Max replace the group's bounds;
// Desired, if set, is applied once when it fires, as AWS's scheduled
// actions do, and the policies take over from the next decision.
type Schedule struct {
	// Name names the action in decisions.
	Name string
	// Cron is a five-field cron expression: "0 8 * * 1-5".
	Cron string
	// Location is the time zone Cron is read in; nil means UTC.
	Location *time.Location
	// Min, Max and Desired, when not nil, are what the action sets.
	Min, Max, Desired *int
	spec              *cronSpec
}

// Int returns a pointer to n, for Schedule's fields.
func Int(n int) *int { return &n }

func (s *Schedule) validate(input string) error {
	c, err := parseCron(s.Cron)
	if err != nil {
		return invalid(input, "Cron", "%v", err)
	}
	s.spec = c
	for _, p := range []*int{s.Min, s.Max, s.Desired} {
		if p != nil && *p < 0 {
			return invalid(input, "Min", "negative capacity %d", *p)
		}
	}
	if s.Min != nil && s.Max != nil && *s.Min > *s.Max {
		return invalid(input, "Min", "%d above Max %d", *s.Min, *s.Max)
	}
	if s.Min == nil && s.Max == nil && s.Desired == nil {
		return invalid(input, "", "sets none of Min, Max, Desired")
	}
	return nil
}

// last returns when s last fired at or before now.
func (s *Schedule) last(now time.Time) (time.Time, bool) {
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	return s.spec.prev(now.In(loc))
}
