package main

import (
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/scaling/awsec2"
)

// TestAccessNote: the access note goes on the launch template change that
// writes the team's user data (a new template, or a version whose live
// user data differs), not on one that changes only the instance type.
func TestAccessNote(t *testing.T) {
	fb := &firstBoot{userData: []byte("#cloud-config\nusers: []\n"), users: 2, teamFile: "team.yaml", hostGroups: []string{"web"}}
	same := "ami-1 t3.small [] " + awsec2.UserDataSummary(fb.userData)
	old := "ami-1 t3.small [] " + awsec2.UserDataSummary([]byte("#cloud-config\n"))
	for _, tc := range []struct {
		c    awsec2.Change
		note bool
	}{
		{awsec2.Change{Resource: "launch template", Name: "web", Op: "create", Detail: same}, true},
		{awsec2.Change{Resource: "launch template", Name: "web", Op: "new version", Detail: old + " -> " + same}, true},
		{awsec2.Change{Resource: "launch template", Name: "web", Op: "new version", Detail: "ami-1 t3.small [] -> " + same}, true},
		{awsec2.Change{Resource: "launch template", Name: "web", Op: "new version", Detail: strings.Replace(same, "small", "micro", 1) + " -> " + same}, false},
	} {
		got := withAccess(fb, []awsec2.Change{tc.c})[0]
		if has := strings.HasSuffix(got, "; access: 2 users of team.yaml (host groups web)"); has != tc.note {
			t.Errorf("%s: note %v, want %v", got, has, tc.note)
		}
	}
	if got := withAccess(nil, []awsec2.Change{{Resource: "launch template", Name: "web", Op: "create"}}); got[0] != "create launch template web" {
		t.Errorf("without access: %q", got[0])
	}
}
