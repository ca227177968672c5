package main

import (
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/access"
	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// TestUsageInventory checks that the inventory -h shows is valid against a
// team file declaring its host group.
func TestUsageInventory(t *testing.T) {
	_, rest, ok := strings.Cut(usage, "Hosts come from --inventory (YAML):\n")
	if !ok {
		t.Fatal("usage has no inventory example")
	}
	yaml, _, _ := strings.Cut(rest, "\n\nWithout --inventory")
	var inv inventory
	cfg, err := cli.DecodeYAML("usage", []byte(yaml), &inv)
	if err != nil {
		t.Fatal(err)
	}
	tf, err := access.ParseTeamFile(t.Context(), "team.yaml", []byte("host_groups:\n  web: {}\n"), access.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if errs := inv.check(cfg, tf); len(errs) > 0 {
		t.Fatal(errs)
	}
	if inv.TeamFile != "team.yaml" || inv.SSH.User != "root" || len(inv.Hosts) != 1 || inv.Hosts[0].Address != "10.0.0.5:22" {
		t.Errorf("inventory %+v", inv)
	}
}

// TestTeamFileErrors checks that team file problems come out as config
// errors naming the team file's line and the user's field.
func TestTeamFileErrors(t *testing.T) {
	_, err := access.ParseTeamFile(t.Context(), "team.yaml", []byte("users:\n  - name: Eve\n    keys: [nope]\n"), access.LoadOptions{})
	if err == nil {
		t.Fatal("bad team file accepted")
	}
	cfg, _ := cli.DecodeYAML("hosts.yaml", []byte("team_file: team.yaml\n"), &inventory{})
	errs := teamFileErrors(cfg, "team.yaml", err)
	got := errs.Error()
	for _, want := range []string{`team.yaml:2: user "Eve": name: invalid user name`, `team.yaml:3: user "Eve": key 1: invalid public key`} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
	if cli.ExitCode(errs) != cli.ExitUsage {
		t.Errorf("exit code %d; want %d", cli.ExitCode(errs), cli.ExitUsage)
	}
}
