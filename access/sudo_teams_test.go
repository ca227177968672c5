package access_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/access/accessfake"
)

// TestSudoTeams gives a team sudo on one host group only: its users get the
// drop-in on that group's hosts and not on the others, and a user with
// sudo: true keeps it everywhere.
func TestSudoTeams(t *testing.T) {
	ctx := context.Background()
	data := fmt.Sprintf(`teams: {ops: {}, dev: {}}
users:
  - {name: olga, teams: [ops], keys: ["%s"]}
  - {name: dan, teams: [dev], keys: ["%s"]}
  - {name: root_like, teams: [dev], sudo: true, keys: ["%s"]}
host_groups:
  staging: {teams: [ops, dev], sudo_teams: [ops, dev]}
  prod: {sudo_teams: [ops], teams: [ops, dev]}
`, newEd25519Line(t, "o"), newEd25519Line(t, "d"), newEd25519Line(t, "r"))
	tf, err := access.ParseTeamFile(ctx, "team.yaml", []byte(data), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	staging, prod := accessfake.New("staging-1", accessfake.Options{}), accessfake.New("prod-1", accessfake.Options{})
	p, _ := access.NewProvisioner(access.Options{})
	targets := []access.Target{{Host: staging, Groups: []string{"staging"}}, {Host: prod, Groups: []string{"prod"}}}
	if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil {
		t.Fatalf("grant: %v %v", err, r.Err())
	}
	want := map[string]map[string]bool{
		"staging-1": {"olga": true, "dan": true, "root_like": true},
		"prod-1":    {"olga": true, "dan": false, "root_like": true},
	}
	for _, h := range []access.Host{staging, prod} {
		st, err := h.Snapshot(ctx, access.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for user, sudo := range want[h.Name()] {
			a := st.Account(user)
			if a == nil {
				t.Fatalf("%s: %s missing", h.Name(), user)
			}
			if (a.Sudoers != nil) != sudo {
				t.Errorf("%s: %s sudoers drop-in present=%v; want %v", h.Name(), user, a.Sudoers != nil, sudo)
			}
		}
	}
	grants, _ := tf.GrantsFor([]string{"prod"}, time.Now())
	for _, g := range grants {
		if g.Sudo != want["prod-1"][g.User.Name] {
			t.Errorf("GrantsFor(prod) %s sudo=%v", g.User.Name, g.Sudo)
		}
	}

	// Taking the team off sudo_teams removes the drop-in on the next grant.
	tf.HostGroups["staging"].SudoTeams = []string{"ops"}
	if r, err := p.Grant(ctx, tf, targets); err != nil || r.Err() != nil || !r.Changed() {
		t.Fatalf("second grant: %v %+v", err, r)
	}
	if st, _ := staging.Snapshot(ctx, access.SnapshotOptions{}); st.Account("dan").Sudoers != nil {
		t.Error("dan kept sudo on staging after dev left sudo_teams")
	}
}

// TestSudoTeamsErrors rejects sudo for a team that may not enter the group
// and for an unknown team, naming the line.
func TestSudoTeamsErrors(t *testing.T) {
	data := `teams: {ops: {}, dev: {}}
users: []
host_groups:
  prod:
    teams: [ops]
    sudo_teams: [dev, ghosts]
`
	_, err := access.ParseTeamFile(context.Background(), "team.yaml", []byte(data), access.LoadOptions{})
	var verrs access.ValidationErrors
	if !errors.As(err, &verrs) || len(verrs) != 2 {
		t.Fatalf("err = %v; want two validation errors", err)
	}
	var invalid, unknown bool
	for _, e := range verrs {
		invalid = invalid || errors.Is(e, access.ErrInvalidField) && e.Line == 6
		unknown = unknown || errors.Is(e, access.ErrUnknownTeam) && e.Line == 6
	}
	if !invalid || !unknown {
		t.Errorf("want ErrInvalidField (dev may not enter) and ErrUnknownTeam (ghosts) on line 6; got %v", err)
	}
}
