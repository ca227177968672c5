package passbolttest

import (
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// Permission types, as the real server's Permission entity defines them.
const (
	PermissionRead   = 1
	PermissionUpdate = 7
	PermissionOwner  = 15
)

type user struct {
	id, username, first, last string
	key                       *openpgp.Entity // public key
	armoredKey                string
	keyID                     string // gpgkey row id
	active, deleted           bool
	created                   time.Time
}

type group struct {
	id, name string
	members  []groupUser
	created  time.Time
}

type groupUser struct {
	id, userID string
	admin      bool
	created    time.Time
}

type resource struct {
	id, name, username, uri, description string
	hasDescription                       bool
	typeID                               string
	deleted                              bool
	created, modified                    time.Time
	createdBy, modifiedBy                string
}

type permission struct {
	id, acoID  string // resource id
	aro, aroID string // "User" or "Group", and its id
	typ        int
	created    time.Time
	modified   time.Time
}

type secret struct {
	id, userID, resourceID, data string
	created, modified            time.Time
}

type refreshToken struct {
	userID  string
	active  bool
	expires time.Time
}

// permissionsOf returns the live permissions on a resource. The caller
// holds s.mu.
func (s *Server) permissionsOf(resourceID string, perms map[string]*permission) []*permission {
	var out []*permission
	for _, p := range perms {
		if p.acoID == resourceID {
			out = append(out, p)
		}
	}
	sortPermissions(out)
	return out
}

// access returns, for each user with access to the resource (directly or
// through a group), their highest permission type. The caller holds s.mu.
func (s *Server) access(resourceID string, perms map[string]*permission) map[string]int {
	out := map[string]int{}
	grant := func(uid string, t int) {
		if u := s.users[uid]; u == nil || u.deleted || !u.active {
			return
		}
		if t > out[uid] {
			out[uid] = t
		}
	}
	for _, p := range s.permissionsOf(resourceID, perms) {
		switch p.aro {
		case "User":
			grant(p.aroID, p.typ)
		case "Group":
			if g := s.groups[p.aroID]; g != nil {
				for _, m := range g.members {
					grant(m.userID, p.typ)
				}
			}
		}
	}
	return out
}

// resourceFor returns the live resource and the caller's permission on
// it; perm is 0 when the caller has no access. The caller holds s.mu.
func (s *Server) resourceFor(id string, u *user) (*resource, int) {
	r := s.resources[id]
	if r == nil || r.deleted {
		return nil, 0
	}
	return r, s.access(id, s.perms)[u.id]
}
