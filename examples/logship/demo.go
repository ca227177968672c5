package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/opskit-dev/opskit/examples/internal/cli"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// demo writes a syslog file, an ossec.log with multi-line alerts and an
// application log with a blank line, ships them to an in-memory sink with
// CloudWatch's limits, and shows what arrived.
func demo(ctx context.Context, env *cli.Env, lines int) error {
	dir, err := os.MkdirTemp("", "logship-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	want, err := writeDemoLogs(dir, lines)
	if err != nil {
		return err
	}
	env.Printf("Demo: shipping generated logs from %s to an in-memory sink with CloudWatch Logs' limits.\n", dir)
	env.Printf("  syslog.log  %d lines (syslog preset: timestamps parsed)\n", want["syslog"])
	env.Printf("  ossec.log   %d alerts over several lines each (ossec preset: joined into one event)\n", want["ossec"])
	env.Printf("  app.log     %d lines, one of them blank (CloudWatch cannot store an empty message)\n", want["app"]+1)
	env.Printf("Real agents: logship --config FILE (logship -h explains).\n\n")

	sink := loggingfake.NewSink(loggingfake.Options{})
	pipe, err := logging.NewPipeline(logging.Options{Linger: 20 * time.Millisecond}, sink)
	if err != nil {
		return err
	}
	state := filepath.Join(dir, "state")
	if err := os.Mkdir(state, 0o700); err != nil {
		return err
	}
	var sources []logging.Source
	for _, o := range []file.Options{
		withStream(file.Syslog(filepath.Join(dir, "syslog.log")), "syslog", state),
		withStream(file.Ossec(filepath.Join(dir, "ossec.log")), "ossec", state),
		withStream(file.Options{Paths: []string{filepath.Join(dir, "app*.log")}, Poll: 50 * time.Millisecond}, "app", state),
	} {
		if o.Multiline != nil {
			o.Multiline.Timeout = 200 * time.Millisecond
		}
		src, err := file.NewSource(o)
		if err != nil {
			return err
		}
		sources = append(sources, src)
	}
	total := want["syslog"] + want["ossec"] + want["app"] + 1 // the blank line is dropped, and counted
	bar := env.Progress(total, "shipping")
	a := &agent{env: env, pipe: pipe, sources: sources, drain: 10 * time.Second,
		done:   func(m logging.Metrics) bool { return int(m.Shipped+m.DroppedTotal()) >= total },
		onTick: func(m logging.Metrics) { bar.Set(int(m.Shipped + m.DroppedTotal())) },
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err = a.run(tctx)
	bar.Finish()
	if err != nil {
		return err
	}
	env.Printf("\nWhat arrived, stream by stream (%d requests):\n", sink.Requests())
	for _, s := range sink.Streams() {
		evs := sink.Events(s)
		env.Printf("  %-7s %d events (expected %d)\n", s, len(evs), want[s])
		env.Event("stream", "stream", s, "events", len(evs), "expected", want[s])
		for _, i := range []int{0, len(evs) - 1} {
			if i >= 0 && i < len(evs) {
				env.Printf("          %s | %s\n", evs[i].Time.Format(time.TimeOnly), firstLine(evs[i].Message))
			}
		}
		if len(evs) != want[s] {
			return &cli.PartialError{Failed: []string{fmt.Sprintf("stream %s: %d of %d events", s, len(evs), want[s])}}
		}
	}
	return nil
}

func withStream(o file.Options, stream, state string) file.Options {
	o.Stream = stream
	o.Checkpoint = filepath.Join(state, stream+".json")
	o.Poll = 50 * time.Millisecond
	return o
}

func firstLine(s string) string {
	l, rest, _ := strings.Cut(s, "\n")
	if len(l) > 80 {
		l = l[:80] + "..."
	}
	if rest != "" {
		l += fmt.Sprintf("  (+%d more lines)", strings.Count(rest, "\n")+1)
	}
	return l
}

// writeDemoLogs writes the demo files and returns the events each stream
// should receive.
func writeDemoLogs(dir string, lines int) (map[string]int, error) {
	now := time.Now().Add(-time.Duration(lines) * time.Second / 10)
	progs := []string{"sshd[812]: Accepted publickey for alice from 10.0.0.7 port 52144 ssh2: ED25519 SHA256:x1", "CRON[1201]: (root) CMD (run-parts /etc/cron.hourly)", "kernel: [UFW BLOCK] IN=eth0 SRC=203.0.113.9 DST=10.0.0.5 PROTO=TCP DPT=5432", "systemd[1]: Started Daily apt upgrade and clean activities."}
	var b strings.Builder
	for i := range lines {
		t := now.Add(time.Duration(i) * time.Second / 10)
		fmt.Fprintf(&b, "%s web1 %s\n", t.Format(time.Stamp), progs[i%len(progs)])
	}
	if err := os.WriteFile(filepath.Join(dir, "syslog.log"), []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	b.Reset()
	const alerts = 20
	for i := range alerts {
		t := now.Add(time.Duration(i) * time.Minute / 4)
		fmt.Fprintf(&b, "%s ossec-analysisd: INFO: Alert level 10 rule 5712: SSHD brute force trying to get access to the system.\n", t.Format("2006/01/02 15:04:05"))
		fmt.Fprintf(&b, "Src IP: 203.0.113.%d\nUser: admin\n", i+1)
	}
	if err := os.WriteFile(filepath.Join(dir, "ossec.log"), []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	b.Reset()
	const app = 200
	for i := range app {
		fmt.Fprintf(&b, `{"level":"info","msg":"order placed","order":%d,"ms":%d}`+"\n", 1000+i, 20+i%37)
		if i == app/2 {
			b.WriteString("\n")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "app.log"), []byte(b.String()), 0o644); err != nil {
		return nil, err
	}
	return map[string]int{"syslog": lines, "ossec": alerts, "app": app}, nil
}
