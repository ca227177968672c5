package elb

// PriorityStep is the gap left between automatically assigned priorities,
// so that rules added later fit between their neighbours.
const PriorityStep = 10

// assignPriorities gives every rule a priority: explicit ones as given,
// rules already live (keyed by their conditions) keep theirs while that
// keeps the spec's order, and new rules take free priorities between
// their neighbours. live maps a condition key to its priority.
func assignPriorities(rules []RuleSpec, keys []string, live map[string]int) []int {
	out := make([]int, len(rules))
	last := 0
	used := map[int]bool{}
	for i, r := range rules {
		switch {
		case r.Priority != 0:
			out[i] = r.Priority
		case live[keys[i]] > last:
			out[i] = live[keys[i]]
		}
		if out[i] != 0 {
			if out[i] <= last && r.Priority == 0 {
				out[i] = 0 // would break the order: placed anew
				continue
			}
			last = max(last, out[i])
			used[out[i]] = true
		}
	}
	for i := 0; i < len(out); {
		if out[i] != 0 {
			i++
			continue
		}
		j := i // out[i:j] is a run of rules without a priority
		for j < len(out) && out[j] == 0 {
			j++
		}
		prev := 0
		if i > 0 {
			prev = out[i-1]
		}
		// No room before the next assigned rule: it is placed anew too
		// (the one renumbering that keeps the spec's order).
		for j < len(out) && out[j]-prev <= j-i && rules[j].Priority == 0 {
			delete(used, out[j])
			out[j] = 0
			for j < len(out) && out[j] == 0 {
				j++
			}
		}
		step := PriorityStep
		if j < len(out) {
			step = min(PriorityStep, (out[j]-prev)/(j-i+1))
		}
		p := prev
		for k := i; k < j; k++ {
			p += max(step, 1)
			for used[p] && p < MaxPriority {
				p++
			}
			out[k] = p
			used[p] = true
		}
		i = j
	}
	return out
}
