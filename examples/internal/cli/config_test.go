package cli

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type testConfig struct {
	Dir     string        `yaml:"dir"`
	Timeout time.Duration `yaml:"timeout"`
	Items   []struct {
		Name  string            `yaml:"name"`
		Count int               `yaml:"count"`
		Tags  map[string]string `yaml:"tags"`
	} `yaml:"items"`
}

func TestDecodeYAMLNamesFieldAndLine(t *testing.T) {
	data := "dir: /x\ntimeout: soon\nitems:\n  - name: a\n    count: many\n  - nmae: b\n    tags: [x]\n"
	var c testConfig
	_, err := DecodeYAML("c.yaml", []byte(data), &c)
	var errs ConfigErrors
	if !errors.As(err, &errs) {
		t.Fatalf("err = %v; want ConfigErrors", err)
	}
	want := []string{
		`c.yaml:2: timeout: cannot read "soon" as a duration (such as 10s or 5m)`,
		`c.yaml:5: items[0].count: cannot read "many" as an integer`,
		`c.yaml:6: items[1].nmae: unknown field (known: count, name, tags)`,
		`c.yaml:7: items[1].tags: want a mapping, got a list`,
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if ExitCode(err) != ExitUsage {
		t.Errorf("ExitCode = %d; want %d", ExitCode(err), ExitUsage)
	}
	if c.Dir != "/x" || c.Items[0].Name != "a" {
		t.Errorf("good fields not decoded: %+v", c)
	}
}

func TestDecodeYAMLLinesForLaterChecks(t *testing.T) {
	var c testConfig
	cfg, err := DecodeYAML("c.yaml", []byte("dir: /x\nitems:\n  - name: a\n  - name: b\n    count: 3\n"), &c)
	if err != nil {
		t.Fatal(err)
	}
	if c.Timeout != 0 || c.Items[1].Count != 3 {
		t.Errorf("decoded %+v", c)
	}
	for field, line := range map[string]int{"dir": 1, "items[1].count": 5, "items[1].name": 4, "items[0].count": 3, "timeout": 1} {
		if got := cfg.Line(field); got != line {
			t.Errorf("Line(%q) = %d; want %d", field, got, line)
		}
	}
	if got := cfg.Errorf("items[0].count", "required").Error(); got != "c.yaml:3: items[0].count: required" {
		t.Errorf("Errorf = %q", got)
	}
}

func TestDecodeYAMLSyntaxError(t *testing.T) {
	var c testConfig
	_, err := DecodeYAML("c.yaml", []byte("dir: /x\nitems: [\n"), &c)
	var ce *ConfigError
	if !errors.As(err, &ce) || ce.Line == 0 || !strings.HasPrefix(err.Error(), "c.yaml:") {
		t.Fatalf("err = %v; want a *ConfigError with a line", err)
	}
}

func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		err  error
		code int
	}{
		{nil, ExitOK},
		{Usagef("bad flag"), ExitUsage},
		{&ConfigError{File: "f", Reason: "x"}, ExitUsage},
		{&FindingsError{Count: 2, Threshold: "high"}, ExitFindings},
		{&PartialError{Failed: []string{"web1"}}, ExitPartial},
		{errors.New("cannot connect"), ExitPartial},
	} {
		if got := ExitCode(tc.err); got != tc.code {
			t.Errorf("ExitCode(%v) = %d; want %d", tc.err, got, tc.code)
		}
	}
}

func TestRedactURL(t *testing.T) {
	if got := RedactURL("amqp://user:s3cret@rabbit:5672/", 1); strings.Contains(got, "s3cret") {
		t.Errorf("RedactURL kept the password: %s", got)
	}
	if got := RedactURL("amqp://user:s3cret@rab bit:%zz/", 2); got != "URL #2" {
		t.Errorf("RedactURL(unparseable) = %q; want URL #2", got)
	}
}
