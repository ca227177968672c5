package cwagent

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
)

// File is one file source and where the agent ships it.
type File struct {
	// Source is the file source's settings: Paths, Timestamp, Multiline
	// and Stream are used.
	Source file.Options
	// Group is the log group (required).
	Group string
	// Stream is the log stream when Source.Stream is empty (default
	// "{instance_id}", which the agent replaces with the EC2 instance ID).
	Stream string
	// RetentionDays is set on a group the agent creates (0: not set).
	RetentionDays int
}

// Config is an agent configuration's logs section.
type Config struct {
	Files []File
	// ForceFlushInterval is how often the agent sends what it buffered
	// (0: the agent's default, 5 s). Whole seconds, 1 s to 48 h.
	ForceFlushInterval time.Duration
	// EndpointOverride is a CloudWatch Logs endpoint for the agent to use
	// instead of the region's.
	EndpointOverride string
}

// collectEntry is one element of logs.logs_collected.files.collect_list.
type collectEntry struct {
	FilePath              string `json:"file_path"`
	LogGroupName          string `json:"log_group_name"`
	LogStreamName         string `json:"log_stream_name"`
	TimestampFormat       string `json:"timestamp_format,omitempty"`
	Timezone              string `json:"timezone,omitempty"`
	MultiLineStartPattern string `json:"multi_line_start_pattern,omitempty"`
	RetentionInDays       int    `json:"retention_in_days,omitempty"`
}

type agentConfig struct {
	Logs struct {
		LogsCollected struct {
			Files struct {
				CollectList []collectEntry `json:"collect_list"`
			} `json:"files"`
		} `json:"logs_collected"`
		ForceFlushInterval int    `json:"force_flush_interval,omitempty"`
		EndpointOverride   string `json:"endpoint_override,omitempty"`
	} `json:"logs"`
}

// Render returns the agent configuration for cfg as indented JSON,
// checked with Validate. Each path of each File is one collect_list
// entry. What the agent cannot express is an *logging.InvalidError naming
// the file and field.
func Render(cfg Config) ([]byte, error) {
	var ac agentConfig
	if len(cfg.Files) == 0 {
		return nil, &logging.InvalidError{Input: "cwagent.Config", Field: "Files", Reason: "at least one file is required"}
	}
	for i, f := range cfg.Files {
		entries, err := render(f)
		if err != nil {
			err.Input = fmt.Sprintf("cwagent.Config.Files[%d]", i)
			return nil, err
		}
		ac.Logs.LogsCollected.Files.CollectList = append(ac.Logs.LogsCollected.Files.CollectList, entries...)
	}
	if d := cfg.ForceFlushInterval; d != 0 {
		if d%time.Second != 0 || d < time.Second || d > 48*time.Hour {
			return nil, &logging.InvalidError{Input: "cwagent.Config", Field: "ForceFlushInterval", Reason: fmt.Sprintf("%v; must be whole seconds from 1 s to 48 h", d)}
		}
		ac.Logs.ForceFlushInterval = int(d / time.Second)
	}
	ac.Logs.EndpointOverride = cfg.EndpointOverride
	out, err := json.MarshalIndent(ac, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := Validate(out); err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

func render(f File) ([]collectEntry, *logging.InvalidError) {
	src := f.Source
	if len(src.Paths) == 0 {
		return nil, &logging.InvalidError{Field: "Source.Paths", Reason: "at least one path or glob is required"}
	}
	if f.Group == "" {
		return nil, &logging.InvalidError{Field: "Group", Reason: "a log group is required"}
	}
	base := collectEntry{LogGroupName: f.Group, LogStreamName: src.Stream, RetentionInDays: f.RetentionDays}
	if base.LogStreamName == "" {
		base.LogStreamName = f.Stream
	}
	if base.LogStreamName == "" {
		base.LogStreamName = "{instance_id}"
	}
	if ts := src.Timestamp; ts != nil {
		format, err := TimestampFormat(ts.Layout)
		if err != nil {
			return nil, &logging.InvalidError{Field: "Source.Timestamp.Layout", Reason: err.Error()}
		}
		base.TimestampFormat = format
		switch ts.Location {
		case nil, time.Local:
			base.Timezone = "Local"
		case time.UTC:
			base.Timezone = "UTC"
		default:
			return nil, &logging.InvalidError{Field: "Source.Timestamp.Location", Reason: fmt.Sprintf("%s; the agent knows only UTC and Local", ts.Location)}
		}
	}
	if m := src.Multiline; m != nil && m.Start != nil {
		base.MultiLineStartPattern = m.Start.String()
	}
	out := make([]collectEntry, len(src.Paths))
	for i, p := range src.Paths {
		out[i] = base
		out[i].FilePath = p
	}
	return out, nil
}
