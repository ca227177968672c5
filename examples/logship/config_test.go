package main

import (
	"strings"
	"testing"

	"github.com/opskit-dev/opskit/examples/internal/cli"
)

// TestUsageConfig checks that the config file -h shows is valid.
func TestUsageConfig(t *testing.T) {
	_, yaml, ok := strings.Cut(usage, "The config file (YAML):\n")
	if !ok {
		t.Fatal("usage has no config example")
	}
	var c config
	cfg, err := cli.DecodeYAML("usage", []byte(yaml), &c)
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.check(cfg); len(errs) > 0 {
		t.Fatal(errs)
	}
	if len(c.Sources) != 7 || len(c.Sinks) != 3 {
		t.Errorf("%d sources, %d sinks; want 7 and 3", len(c.Sources), len(c.Sinks))
	}
}

// TestConfigJournald checks that journald is a known kind whose absence
// is reported at its line, where the source plugs in.
func TestConfigJournald(t *testing.T) {
	var c config
	cfg, err := cli.DecodeYAML("j.yaml", []byte("state_dir: /x\nsources:\n  - kind: journald\nsinks:\n  - {kind: tcp, addr: '127.0.0.1:1'}\n"), &c)
	if err != nil {
		t.Fatal(err)
	}
	if errs := c.check(cfg); len(errs) > 0 {
		t.Fatal(errs)
	}
	_, _, err = newSource(t.Context(), &deps{}, cfg, 0, c.Sources[0], t.TempDir())
	if err == nil || err.Error() != "j.yaml:3: sources[0].kind: journald is not available in this build yet" {
		t.Fatalf("err = %v", err)
	}
}
