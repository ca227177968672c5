package lint

import (
	"fmt"
	"strings"
)

// hit is one failing check on one line: the line's text, what was found
// on it and the secrets to hide when it becomes evidence.
type hit struct {
	check   Check
	line    int
	text    string
	kinds   []string
	secrets []secretText
}

// hits gathers the hits of one input, merging those of one check on one
// line so that the evidence redacts every secret of the line at once.
type hits struct {
	list []*hit
}

func (h *hits) add(c Check, line int, text string, kinds []string, secrets []secretText) {
	for _, x := range h.list {
		if x.check.ID == c.ID && x.line == line {
			x.kinds = appendUnique(x.kinds, kinds...)
			x.secrets = append(x.secrets, secrets...)
			return
		}
	}
	h.list = append(h.list, &hit{check: c, line: line, text: text, kinds: kinds, secrets: secrets})
}

// findings returns, for each check of the input's kind, a failing finding
// per hit (resource "name:line") or one passing finding for name.
func (h *hits) findings(name string, checks []Check, resource func(line int) string) []Finding {
	var out []Finding
	for _, c := range checks {
		failed := false
		for _, x := range h.list {
			if x.check.ID != c.ID {
				continue
			}
			failed = true
			ev := strings.Join(x.kinds, ", ") + ": " + redactText(x.text, x.secrets)
			out = append(out, c.Fail(resource(x.line), ev))
		}
		if !failed {
			out = append(out, c.Pass(name))
		}
	}
	return out
}

// fileLine is the resource of a line of a file: "NAME:LINE", which the
// SARIF writer turns into a physical location.
func fileLine(name string) func(int) string {
	return func(line int) string { return fmt.Sprintf("%s:%d", name, line) }
}
