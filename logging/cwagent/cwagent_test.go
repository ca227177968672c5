package cwagent_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cwagent"
	"github.com/opskit-dev/opskit/logging/file"
)

const wantConfig = `{
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          {
            "file_path": "/var/log/syslog",
            "log_group_name": "/hosts/syslog",
            "log_stream_name": "{instance_id}",
            "timestamp_format": "%b %-d %H:%M:%S",
            "timezone": "Local",
            "retention_in_days": 30
          },
          {
            "file_path": "/var/log/messages",
            "log_group_name": "/hosts/syslog",
            "log_stream_name": "{instance_id}",
            "timestamp_format": "%b %-d %H:%M:%S",
            "timezone": "Local",
            "retention_in_days": 30
          },
          {
            "file_path": "/var/ossec/logs/ossec.log",
            "log_group_name": "/hosts/ossec",
            "log_stream_name": "{hostname}",
            "timestamp_format": "%Y/%m/%d %H:%M:%S",
            "timezone": "Local",
            "multi_line_start_pattern": "^\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} "
          },
          {
            "file_path": "/var/log/postgresql/postgresql-15-main.log",
            "log_group_name": "/db/postgresql",
            "log_stream_name": "main",
            "timestamp_format": "%Y-%m-%d %H:%M:%S.%f %Z",
            "timezone": "UTC",
            "multi_line_start_pattern": "^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\S+ \\[\\d+\\] "
          }
        ]
      }
    },
    "force_flush_interval": 5
  }
}
`

// TestAgentConfig renders a CloudWatch agent configuration from the file
// source's presets (the declarations opskit's shipper runs), checks it
// against the agent schema's facts, checks that each timestamp_format
// parses the presets' sample lines to the same instant the file source's
// layout does (through the Go layout the agent derives from it), and that
// what the agent cannot express or its schema forbids is refused by name.
func TestAgentConfig(t *testing.T) {
	pg := file.PostgreSQL("/var/log/postgresql/postgresql-15-main.log")
	pg.Stream = "main"
	pg.Timestamp.Location = time.UTC
	cfg := cwagent.Config{ForceFlushInterval: 5 * time.Second, Files: []cwagent.File{
		{Source: file.Syslog(), Group: "/hosts/syslog", RetentionDays: 30},
		{Source: file.Ossec(), Group: "/hosts/ossec", Stream: "{hostname}"},
		{Source: pg, Group: "/db/postgresql"},
	}}
	got, err := cwagent.Render(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != wantConfig {
		t.Fatalf("Render =\n%s\nwant\n%s", got, wantConfig)
	}
	if err := cwagent.Validate(got); err != nil {
		t.Fatalf("Validate(Render) = %v", err)
	}
	// The same declarations run opskit's own shipper.
	for _, f := range cfg.Files {
		if _, err := file.NewSource(f.Source); err != nil {
			t.Fatalf("file.NewSource(%v): %v", f.Source.Paths, err)
		}
	}

	// Each format, turned back into the Go layout the agent parses with,
	// reads the same instant from a sample line as the preset's layout.
	samples := []struct {
		opts file.Options
		text string
	}{
		{file.Syslog(), "Dec  2 05:00:01"},
		{file.Ossec(), "2026/12/02 05:00:01"},
		{pg, "2026-12-02 05:00:01.123 UTC"},
	}
	for _, s := range samples {
		format, err := cwagent.TimestampFormat(s.opts.Timestamp.Layout)
		if err != nil {
			t.Fatal(err)
		}
		agentLayout, err := cwagent.GoLayout(format)
		if err != nil {
			t.Fatal(err)
		}
		want, err1 := time.Parse(s.opts.Timestamp.Layout, s.text)
		got, err2 := time.Parse(agentLayout, s.text)
		if err1 != nil || err2 != nil || !got.Equal(want) {
			t.Errorf("%q: agent layout %q (from %q) gives %v (%v); file layout %q gives %v (%v)", s.text, agentLayout, format, got, err2, s.opts.Timestamp.Layout, want, err1)
		}
	}

	// Layouts and zones the agent cannot express are refused, by name.
	rfc := file.Options{Paths: []string{"/var/log/app.log"}, Timestamp: &file.Timestamp{Layout: time.RFC3339}}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	zoned := file.Options{Paths: []string{"/var/log/app.log"}, Timestamp: &file.Timestamp{Layout: time.DateTime, Location: berlin}}
	for _, c := range []struct {
		cfg   cwagent.Config
		field string
	}{
		{cwagent.Config{Files: []cwagent.File{{Source: rfc, Group: "g"}}}, "Source.Timestamp.Layout"},
		{cwagent.Config{Files: []cwagent.File{{Source: zoned, Group: "g"}}}, "Source.Timestamp.Location"},
		{cwagent.Config{Files: []cwagent.File{{Source: file.Syslog()}}}, "Group"},
		{cwagent.Config{Files: []cwagent.File{{Source: file.Syslog(), Group: "g"}}, ForceFlushInterval: 1500 * time.Millisecond}, "ForceFlushInterval"},
		{cwagent.Config{Files: []cwagent.File{{Source: file.Syslog(), Group: "g", RetentionDays: 2}}}, "/logs/logs_collected/files/collect_list/0/retention_in_days"},
	} {
		_, err := cwagent.Render(c.cfg)
		var ie *logging.InvalidError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("Render(%+v) = %v; want an InvalidError for %s", c.cfg.Files[0].Source.Timestamp, err, c.field)
		}
	}

	// The schema facts catch hand-written mistakes, each by its path.
	bad := `{"logs":{"logs_collected":{"files":{"collect_list":[
		{"log_group_name":"g","timezone":"CET","retention_in_days":2,"timestamp_format":"%Y %Q","max_event_size":5,"auto_removal":"yes"},
		{"file_path":"/a","log_group_name":"","multi_line_start_pattern":"(unclosed"}]}},
		"force_flush_interval":0,"flush":1}}`
	err = cwagent.Validate([]byte(bad))
	for _, want := range []string{
		"collect_list/0/file_path: missing", "collect_list/0/timezone", "collect_list/0/retention_in_days",
		"collect_list/0/timestamp_format", "collect_list/0/max_event_size: is not a property", "collect_list/0/auto_removal: is a string",
		"collect_list/1/log_group_name: has 0 characters", "collect_list/1/multi_line_start_pattern: does not compile",
		"/logs/force_flush_interval: is 0", "/logs/flush: is not a property",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate(bad) = %v\nwant a problem %q", err, want)
		}
	}
	if !errors.Is(err, logging.ErrInvalid) {
		t.Errorf("Validate(bad) does not match ErrInvalid")
	}
}

func TestTimestampFormat(t *testing.T) {
	for layout, want := range map[string]string{
		time.Stamp:                     "%b %-d %H:%M:%S",
		time.DateTime:                  "%Y-%m-%d %H:%M:%S",
		"Monday, 02-Jan-06 3:04:05 PM": "%A, %d-%b-%y %-I:%M:%S %p",
		"January 2 2006 15:04:05,000":  "%B %-d %Y %H:%M:%S,%f",
		"2006-01-02T15:04:05.999-0700": "%Y-%m-%dT%H:%M:%S.%f%z",
		time.RFC1123:                   "%a, %d %b %Y %H:%M:%S %Z",
	} {
		got, err := cwagent.TimestampFormat(layout)
		if err != nil || got != want {
			t.Errorf("TimestampFormat(%q) = %q, %v; want %q", layout, got, err, want)
		}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "002", "15:04 pm", "100%"} {
		if got, err := cwagent.TimestampFormat(layout); err == nil {
			t.Errorf("TimestampFormat(%q) = %q; want an error", layout, got)
		}
	}
}
