// Command logship is a log-shipping agent: it tails files and globs (with
// syslog, ossec and PostgreSQL presets), container logs, RDS database logs
// and RabbitMQ's log and event exchanges, and ships them at least once to
// CloudWatch Logs, Elasticsearch/OpenSearch (_bulk) or a TCP receiver,
// keeping checkpoints in a state directory. SIGTERM stops the sources and
// drains what was read before exiting, so a restart neither loses nor
// repeats lines. It prints throughput and lag as it goes.
//
// Without --config it ships a generated log to an in-memory sink
// (logging/loggingfake) and shows what arrived:
//
//	go run ./examples/logship
//
// With a config file it uses the AWS SDK's default chain and region (plus
// --aws-endpoint for an emulator) and DOCKER_HOST:
//
//	logship --config /etc/opskit/logship.yaml
package main

import (
	"context"
	"os"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/logging"
)

const usage = `logship ships logs at least once, with checkpoints, and drains on SIGTERM.

Usage:
  logship [flags]                       demo: a generated log to an in-memory sink
  logship --config FILE [flags]         the agent

The config file (YAML):

  state_dir: /var/lib/opskit-logship    # checkpoints (or --state-dir)
  drain_timeout: 30s                    # how long SIGTERM waits for buffered events
  sources:
    - {kind: syslog, paths: [/var/log/syslog], stream: syslog}
    - {kind: ossec, paths: [/var/ossec/logs/ossec.log], stream: ossec}
    - {kind: file, paths: ["/var/log/app/*.log"], stream: app, multiline_start: '^\d{4}-'}
    - {kind: postgresql, paths: [/var/log/postgresql/postgresql-15-main.log]}
    - {kind: journald, units: [nginx.service], priority: info, stream: journal}
    - {kind: docker, container: web}
    - {kind: rds, instance: db1, name_contains: postgresql.log}
    - {kind: cloudwatch, groups: [/aws/redshift/cluster/dw1/useractivitylog], stream: redshift}
    - {kind: rabbitmq, urls: ["amqps://logship@rabbit:5671/"], ca_file: /etc/ssl/rabbit-ca.pem, exchange: event, queue: logship-events}
  sinks:
    - {kind: cloudwatch, group: /opskit/app, stream: host1, retention_days: 14}
    - {kind: opensearch, url: "https://search:9200", ca_file: /etc/ssl/search-ca.pem, username: logship, password_env: LOGSHIP_ES_PASSWORD}
    - {kind: opensearch, url: "https://search-logs.eu-west-1.es.amazonaws.com", sigv4: es, region: eu-west-1}
    - {kind: tcp, addr: "127.0.0.1:5140", framing: json}`

func main() { cli.Main("logship", run) }

func run(ctx context.Context, env *cli.Env, args []string) error {
	fs := env.Flags("logship", usage)
	configPath := fs.String("config", "", "config file (YAML); without it the demo runs")
	stateDir := fs.String("state-dir", "", "checkpoint directory (overrides state_dir)")
	awsEndpoint := fs.String("aws-endpoint", "", "AWS endpoint URL (an emulator such as moto); credentials and region from the default chain")
	every := fs.Duration("stats", 10*time.Second, "interval of the throughput and lag lines (0: only at the end)")
	drain := fs.Duration("drain-timeout", 0, "overrides drain_timeout")
	lines := fs.Int("demo-lines", 5000, "demo: lines of generated syslog")
	if err := env.Parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return cli.Usagef("unexpected argument %q", fs.Arg(0))
	}
	if *configPath == "" {
		return demo(ctx, env, *lines)
	}
	var c config
	cfg, err := cli.LoadYAML(*configPath, &c)
	if err != nil {
		return err
	}
	if errs := c.check(cfg); len(errs) > 0 {
		return errs
	}
	if *stateDir != "" {
		c.StateDir = *stateDir
	}
	if c.StateDir == "" {
		return cfg.Errorf("state_dir", "required (or pass --state-dir)")
	}
	if err := os.MkdirAll(c.StateDir, 0o700); err != nil {
		return cfg.Errorf("state_dir", "%v", err)
	}
	if *drain > 0 {
		c.DrainTimeout = *drain
	}
	if c.DrainTimeout == 0 {
		c.DrainTimeout = 30 * time.Second
	}
	d := &deps{awsEndpoint: *awsEndpoint}
	defer d.close()
	var sinks []logging.Sink
	for i, sc := range c.Sinks {
		s, name, err := newSink(ctx, d, cfg, i, sc)
		if err != nil {
			return err
		}
		sinks = append(sinks, s)
		env.Printf("sink %d: %s\n", i, name)
	}
	a := &agent{env: env, drain: c.DrainTimeout, every: *every}
	for i, sc := range c.Sources {
		src, sv, err := newSource(ctx, d, cfg, i, sc, c.StateDir)
		if err != nil {
			return err
		}
		a.sources = append(a.sources, src)
		if sv != nil {
			a.savers = append(a.savers, sv)
		}
		env.Printf("source %s: %s\n", sc.Name, sc.Kind)
	}
	a.pipe, err = logging.NewPipeline(logging.Options{
		BufferEvents: c.BufferEvents,
		OnError: func(sink int, err error) {
			env.Log.Warn("write failed, retrying", "sink", sink, "error", err.Error())
		},
	}, sinks...)
	if err != nil {
		return cli.Usagef("%v", err)
	}
	env.Printf("shipping; checkpoints in %s; SIGTERM drains and exits\n", c.StateDir)
	return a.run(ctx)
}
