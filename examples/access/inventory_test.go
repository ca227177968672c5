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
