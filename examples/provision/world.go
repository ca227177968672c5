package main

import (
	"sort"

	"github.com/opskit-dev/opskit/secrets"
)

// world is what the steps learn from each other as they run: the IDs of
// security groups, the ARNs of target groups, the subnets, the database
// password. A step that needs something an earlier step has not made yet
// (a plan before the first apply) uses a placeholder that names it.
type world struct {
	cfg     *config
	vpc     string
	subnets []string
	sgIDs   map[string]string
	tgARNs  map[string]string
	// dbPassword is the database password, read from (or generated into)
	// the secret store; it is never printed.
	dbPassword secrets.Value
}

func newWorld(c *config) *world {
	return &world{cfg: c, sgIDs: map[string]string{}, tgARNs: map[string]string{}}
}

// sg returns the IDs of the named security groups, or placeholders for
// those not made yet.
func (w *world) sg(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = w.sgIDs[n]
		if out[i] == "" {
			out[i] = "(new " + n + ")"
		}
	}
	return out
}

// tg returns the ARNs of the named target groups, or placeholders.
func (w *world) tg(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = w.tgARNs[n]
		if out[i] == "" {
			out[i] = "(new " + n + ")"
		}
	}
	sort.Strings(out)
	return out
}
