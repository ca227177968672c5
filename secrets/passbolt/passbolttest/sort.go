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

func (s *Server) sortedUsers() []*user {
	out := make([]*user, 0, len(s.users))
	for _, u := range s.users {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return lessFold(out[i].username, out[j].username) })
	return out
}

func (s *Server) sortedGroups() []*group {
	out := make([]*group, 0, len(s.groups))
	for _, g := range s.groups {
		out = append(out, g)
	}
	sort.Slice(out, func(i, j int) bool { return lessFold(out[i].name, out[j].name) })
	return out
}
