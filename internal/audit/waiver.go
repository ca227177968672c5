package audit

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
)

// Waiver accepts a known failure of one check on the resources matching a
// pattern, for a reason, until an expiry.
type Waiver struct {
	// CheckID is the exact [Check.ID] waived.
	CheckID string `json:"checkId"`
	// Resource is a pattern matched against the whole Finding.Resource with
	// [path.Match] semantics: '*' matches any run of characters other than
	// '/', '?' one such character, '[a-z]' a class, and '\\' escapes. So
	// "pg_hba.conf:*" matches "pg_hba.conf:12", and "vault:secret/*"
	// matches "vault:secret/app" but not "vault:secret/app/db". Use the
	// exact resource to waive just one.
	Resource string `json:"resource"`
	// Reason says why the failure is accepted; it is required.
	Reason string `json:"reason"`
	// Owner is who answers for the waiver, optional.
	Owner string `json:"owner,omitempty"`
	// Expires is when the waiver stops waiving; it is required. A waiver
	// waives at instants strictly before Expires.
	Expires time.Time `json:"expires"`
	// Source says where the waiver was loaded from ("waivers.yaml:12"),
	// set by [ParseWaivers]; writers print it next to unused waivers.
	Source string `json:"source,omitempty"`
}

// ErrInvalidWaiver is wrapped by the errors [Waiver.Validate] returns.
var ErrInvalidWaiver = errors.New("invalid waiver")

// Validate reports whether w can be applied: it needs a check ID, a
// well-formed resource pattern, a non-blank reason and an expiry. The
// error wraps [ErrInvalidWaiver], and [path.ErrBadPattern] for a
// malformed pattern.
func (w Waiver) Validate() error {
	switch {
	case w.CheckID == "":
		return fmt.Errorf("empty check id: %w", ErrInvalidWaiver)
	case w.Resource == "":
		return fmt.Errorf("empty resource pattern (name the resource, or use a pattern such as \"*\"): %w", ErrInvalidWaiver)
	case strings.TrimSpace(w.Reason) == "":
		return fmt.Errorf("empty reason: %w", ErrInvalidWaiver)
	case w.Expires.IsZero():
		return fmt.Errorf("missing expiry: %w", ErrInvalidWaiver)
	}
	if _, err := path.Match(w.Resource, ""); err != nil {
		return fmt.Errorf("resource pattern %q: %w: %w", w.Resource, ErrInvalidWaiver, err)
	}
	return nil
}

// Matches reports whether w is about f: same check ID, and f's resource
// matches w's pattern. It ignores status and expiry. A malformed pattern
// matches nothing.
func (w Waiver) Matches(f Finding) bool {
	if w.CheckID != f.CheckID {
		return false
	}
	ok, err := path.Match(w.Resource, f.Resource)
	return ok && err == nil
}

// Expired reports whether w no longer waives at now: now is at or after
// w.Expires.
func (w Waiver) Expired(now time.Time) bool {
	return !now.Before(w.Expires)
}

// apply returns a copy of findings with waivers applied as of now, and the
// waivers that waived nothing; see [Report.ApplyWaivers].
func apply(now time.Time, findings []Finding, waivers []Waiver) ([]Finding, []Waiver) {
	out := make([]Finding, len(findings))
	used := make([]bool, len(waivers))
	for i, f := range findings {
		out[i] = f
		if f.Status != StatusFail {
			continue
		}
		var active, expired *Waiver
		for j := range waivers {
			w := &waivers[j]
			if !w.Matches(f) {
				continue
			}
			used[j] = true
			switch {
			case !w.Expired(now) && active == nil:
				active = w
			case w.Expired(now) && expired == nil:
				expired = w
			}
		}
		switch {
		case active != nil:
			c := *active
			out[i].Status = StatusWaived
			out[i].Waiver = &c
		case expired != nil:
			c := *expired
			out[i].ExpiredWaiver = &c
		}
	}
	var unused []Waiver
	for j, w := range waivers {
		if !used[j] {
			unused = append(unused, w)
		}
	}
	return out, unused
}
