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
	if len(c.Sources) != 9 || len(c.Sinks) != 4 {
		t.Errorf("%d sources, %d sinks; want 9 and 4", len(c.Sources), len(c.Sinks))
	}
}

// TestConfigJournald checks that journald and cloudwatch sources and a
// signed OpenSearch sink are configured with their fields checked.
func TestConfigJournald(t *testing.T) {
	var c config
	cfg, err := cli.DecodeYAML("j.yaml", []byte("state_dir: /x\nsources:\n  - {kind: journald, start: middle}\n  - {kind: cloudwatch}\nsinks:\n  - {kind: opensearch, url: 'https://x', sigv4: es, username: u}\n  - {kind: opensearch, url: 'https://x', sigv4: iam}\n"), &c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range c.check(cfg) {
		got = append(got, e.Error())
	}
	want := []string{
		`j.yaml:3: sources[0].start: "middle": want tail or head`,
		"j.yaml:4: sources[1].groups: required for kind cloudwatch",
		"j.yaml:6: sinks[0].sigv4: signed requests carry no username or password",
		`j.yaml:7: sinks[1].sigv4: "iam": want es or aoss`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
