package awsasg

import (
	"fmt"
	"strings"
)

// Change is one field that differs between the live group and its spec.
type Change struct {
	// Resource is "group", "target group", "policy" or "alarm".
	Resource string
	// Name names the resource.
	Name string
	// Field is the field that differs; empty for a whole resource.
	Field string
	// Current and Desired are the values; "" means absent.
	Current, Desired string
}

// String reads like "group web MaxSize: 4 -> 6".
func (c Change) String() string {
	what := c.Resource + " " + c.Name
	if c.Field != "" {
		what += " " + c.Field
	}
	switch {
	case c.Current == "":
		return fmt.Sprintf("+ %s: %s", what, c.Desired)
	case c.Desired == "":
		return fmt.Sprintf("- %s: %s", what, c.Current)
	}
	return fmt.Sprintf("~ %s: %s -> %s", what, c.Current, c.Desired)
}

// Plan is what Apply would do to one group.
type Plan struct {
	// Group is the group's name.
	Group string
	// Create is set when the group does not exist yet.
	Create bool
	// Changes are the differences, in the order Apply makes them.
	Changes []Change
	// Notes say what could not be compared (a field the service does not
	// report) and who runs the policies.
	Notes []string

	attach, detach        []string
	putPolicies           []PolicySpec
	delPolicies, delAlarm []string
	update                bool
	enableMetrics         bool
	// alarmOnly holds the ARNs of step policies whose alarm alone differs.
	alarmOnly map[string]string
}

// Empty reports that the live group already matches the spec.
func (p *Plan) Empty() bool { return !p.Create && len(p.Changes) == 0 }

// String is the plan as a person reads it before any change.
func (p *Plan) String() string {
	var b strings.Builder
	switch {
	case p.Create:
		fmt.Fprintf(&b, "group %s: create\n", p.Group)
	case p.Empty():
		fmt.Fprintf(&b, "group %s: no changes\n", p.Group)
	default:
		fmt.Fprintf(&b, "group %s: %d changes\n", p.Group, len(p.Changes))
	}
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	return b.String()
}
