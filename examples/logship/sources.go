package main

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/rds"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/docker"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/journald"
	"github.com/opskit-dev/opskit/logging/rabbitmq"
	"github.com/opskit-dev/opskit/logging/rdslogs"
)

// newSource builds the source of one sources[i] entry, with its checkpoint
// in stateDir. This switch is where a source kind plugs in.
func newSource(ctx context.Context, d *deps, cfg *cli.Config, i int, sc sourceConfig, stateDir string) (logging.Source, saver, error) {
	field := fmt.Sprintf("sources[%d]", i)
	state := stateFile{path: filepath.Join(stateDir, sc.Name+".json")}
	switch sc.Kind {
	case "file", "syslog", "ossec", "postgresql":
		var o file.Options
		switch sc.Kind {
		case "file":
			o = file.Options{Paths: sc.Paths}
		case "syslog":
			o = file.Syslog(sc.Paths...)
		case "ossec":
			o = file.Ossec(sc.Paths...)
		case "postgresql":
			o = file.PostgreSQL(sc.Paths...)
		}
		if sc.MultilineStart != "" {
			o.Multiline = &file.Multiline{Start: regexp.MustCompile(sc.MultilineStart)}
		}
		o.Stream = sc.Stream
		o.Checkpoint = state.path
		src, err := file.NewSource(o)
		if err != nil {
			return nil, nil, cfg.Errorf(field, "%v", err)
		}
		return src, nil, nil // the file source keeps its own checkpoint

	case "docker":
		api, err := d.dockerClient()
		if err != nil {
			return nil, nil, err
		}
		var st struct{ Since time.Time }
		if err := state.load(&st); err != nil {
			return nil, nil, err
		}
		src, err := docker.NewSource(api, docker.Options{Container: sc.Container, Stream: sc.Stream, Since: st.Since})
		if err != nil {
			return nil, nil, cfg.Errorf(field, "%v", err)
		}
		return src, saveFunc(func() error {
			if t := src.Acked(); !t.IsZero() {
				return state.store(struct{ Since time.Time }{t})
			}
			return nil
		}), nil

	case "rds":
		ac, err := d.awsConfig(ctx)
		if err != nil {
			return nil, nil, err
		}
		var st struct{ Markers map[string]string }
		if err := state.load(&st); err != nil {
			return nil, nil, err
		}
		src, err := rdslogs.NewSource(rds.NewFromConfig(ac), rdslogs.Options{Instance: sc.Instance, NameContains: sc.NameContains, Stream: sc.Stream, Markers: st.Markers})
		if err != nil {
			return nil, nil, cfg.Errorf(field, "%v", err)
		}
		return src, saveFunc(func() error {
			return state.store(struct{ Markers map[string]string }{src.Markers()})
		}), nil

	case "rabbitmq":
		exchange := rabbitmq.EventExchange
		if sc.Exchange == "log" {
			exchange = rabbitmq.LogExchange
		}
		// A durable queue (queue:) keeps what arrives while logship is
		// down; that is this source's checkpoint.
		o := rabbitmq.Options{URLs: sc.URLs, Exchange: exchange, Queue: sc.Queue, Stream: sc.Stream}
		if sc.CAFile != "" {
			o.TLS = &rabbitmq.TLSConfig{CAFile: sc.CAFile}
		}
		src, err := rabbitmq.NewSource(o)
		if err != nil {
			return nil, nil, cfg.Errorf(field, "%v", err)
		}
		return src, nil, nil

	case "journald":
		o := journald.Options{Checkpoint: state.path, Units: sc.Units, Identifiers: sc.Identifiers, Priority: sc.Priority, Stream: sc.Stream}
		if sc.Start == "head" {
			o.Start = journald.Head
		}
		src, err := journald.NewSource(o)
		if err != nil {
			return nil, nil, cfg.Errorf(field, "%v", err)
		}
		return src, nil, nil // the journal cursor is the source's own checkpoint

	case "cloudwatch":
		ac, err := d.awsConfig(ctx)
		if err != nil {
			return nil, nil, err
		}
		follow := make([]cloudwatch.Follow, len(sc.Groups))
		for j, g := range sc.Groups {
			follow[j] = cloudwatch.Follow{Group: g, StreamPrefix: sc.StreamPrefix}
		}
		src, err := cloudwatch.NewSource(cloudwatchlogs.NewFromConfig(ac), cloudwatch.SourceOptions{Follow: follow, Checkpoint: state.path, Stream: sc.Stream})
		if err != nil {
			return nil, nil, cfg.Errorf(field, "%v", err)
		}
		return src, nil, nil // per-stream positions are the source's own checkpoint

	default:
		return nil, nil, cfg.Errorf(field+".kind", "unknown kind %q", sc.Kind)
	}
}
