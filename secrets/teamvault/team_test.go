package teamvault_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/secrets/teamvault"
)

// TestParseTeamAccessShape reads a team file using every field of the
// shape the access package reads, as access's own example writes it.
func TestParseTeamAccessShape(t *testing.T) {
	alice, bob := newKey(t, "ed25519"), newKey(t, "ed25519")
	data := `teams:
  backend: {description: Backend engineers}
  dba: {}
users:
  - name: alice
    teams: [backend]
    sudo: true
    shell: /usr/bin/zsh
    groups: [docker, adm]
    privileged_groups: [docker]
    keys:
      - ` + alice.line + ` alice@laptop
      - github:alice
  - name: bob
    teams: [dba]
    expires: 2099-06-30
    allow_unlisted_shell: false
    keys:
      - ` + bob.line + ` bob@laptop
host_groups:
  web:
    teams: [backend]
    sudo_teams: [backend]
  db:
    teams: [dba]
`
	team, err := teamvault.ParseTeam("team.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	a, b := team.Member("alice"), team.Member("bob")
	if a == nil || len(a.Keys) != 1 || a.Keys[0].Fingerprint != alice.fp || len(a.Skipped) != 1 || !strings.Contains(a.Skipped[0], "github:alice") {
		t.Fatalf("alice = %+v", a)
	}
	if b == nil || !b.Expires.Equal(time.Date(2099, 6, 30, 0, 0, 0, 0, time.UTC)) || b.Teams[0] != "dba" {
		t.Fatalf("bob = %+v", b)
	}
	if !team.Teams["backend"] || !team.Teams["dba"] || len(team.Members) != 2 {
		t.Fatalf("team = %+v", team)
	}

	bad := strings.Replace(data, "teams: [dba]\n    expires", "teams: [qa]\n    expires", 1)
	if _, err := teamvault.ParseTeam("team.yaml", []byte(bad)); !errors.Is(err, teamvault.ErrUnknownTeam) || !strings.Contains(err.Error(), "team.yaml:") {
		t.Fatalf("user in an undeclared team: %v; want ErrUnknownTeam with the line", err)
	}
	dup := strings.Replace(data, bob.line, alice.line, 1)
	if _, err := teamvault.ParseTeam("team.yaml", []byte(dup)); !errors.Is(err, teamvault.ErrInvalid) || !strings.Contains(err.Error(), "already given to alice") {
		t.Fatalf("key shared by two users: %v; want ErrInvalid naming alice", err)
	}
	// A second key smuggled into one line through a quoted newline.
	smuggled := "teams: {dba: {}}\nusers:\n  - name: bob\n    teams: [dba]\n    keys:\n      - \"" + bob.line + "\\n" + alice.line + "\"\n"
	if _, err := teamvault.ParseTeam("team.yaml", []byte(smuggled)); !errors.Is(err, teamvault.ErrInvalid) {
		t.Fatalf("two keys in one line: %v; want ErrInvalid", err)
	}
}
