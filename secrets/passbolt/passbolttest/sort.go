package passbolttest

import (
	"sort"
	"strings"
)

func sortPermissions(ps []*permission) {
	sort.Slice(ps, func(i, j int) bool {
		if !ps[i].created.Equal(ps[j].created) {
			return ps[i].created.Before(ps[j].created)
		}
		return ps[i].id < ps[j].id
	})
}

func lessFold(a, b string) bool { return strings.ToLower(a) < strings.ToLower(b) }

func sortStrings(s []string) { sort.Strings(s) }
