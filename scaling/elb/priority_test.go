package elb

import (
	"fmt"
	"testing"
)

func TestPrioritiesStable(t *testing.T) {
	rules := func(n int) ([]RuleSpec, []string) {
		rs, ks := make([]RuleSpec, n), make([]string, n)
		for i := range ks {
			ks[i] = fmt.Sprint("k", i)
		}
		return rs, ks
	}
	rs, ks := rules(3)
	if got := fmt.Sprint(assignPriorities(rs, ks, nil)); got != "[10 20 30]" {
		t.Errorf("fresh = %s", got)
	}
	// A rule inserted between k0 and k1 (live at 10 and 20), one at the end.
	rs, _ = rules(5)
	ks = []string{"k0", "new", "k1", "k2", "end"}
	got := fmt.Sprint(assignPriorities(rs, ks, map[string]int{"k0": 10, "k1": 20, "k2": 30}))
	if got != "[10 15 20 30 40]" {
		t.Errorf("insert = %s; want [10 15 20 30 40]", got)
	}
	// No gap between 10 and 11: b is placed anew after the new rule.
	rs, _ = rules(3)
	ks = []string{"a", "new", "b"}
	got = fmt.Sprint(assignPriorities(rs, ks, map[string]int{"a": 10, "b": 11}))
	if got != "[10 20 30]" {
		t.Errorf("no gap = %s; want [10 20 30] (b moves after the new rule)", got)
	}
	// Explicit priorities are kept as given.
	rs, ks = rules(2)
	rs[1].Priority = 7
	if got := fmt.Sprint(assignPriorities(rs, ks, nil)); got != "[3 7]" {
		t.Errorf("explicit = %s; want [3 7]", got)
	}
}
