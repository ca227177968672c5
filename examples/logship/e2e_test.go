package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/opskit-dev/opskit/examples/internal/e2e"
	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
)

// TestLogshipE2E builds the logship program and runs it as a process: the
// demo (everything generated arrives), a bad config (exit 2 naming field
// and line), and a file shipped to moto's CloudWatch Logs while it grows,
// with a SIGTERM mid-run and a restart: every line arrives exactly once.
func TestLogshipE2E(t *testing.T) {
	bin := e2e.Build(t)

	t.Run("demo", func(t *testing.T) {
		r := e2e.Run(t, 30*time.Second, bin, nil)
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{"syslog  5000 events (expected 5000)", "ossec   20 events (expected 20)", "(+2 more lines)", "app     200 events (expected 200)", "dropped 1 (empty: 1)"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("demo output lacks %q:\n%s", want, r.Stdout)
			}
		}
		t.Logf("default run: %s", r.Took)
	})

	t.Run("bad-config", func(t *testing.T) {
		cfg := filepath.Join(t.TempDir(), "logship.yaml")
		writeFile(t, cfg, "state_dir: /tmp/x\nsources:\n  - kind: flie\n    paths: [/var/log/syslog]\n  - kind: docker\nsinks:\n  - {kind: cloudwatch, retention_days: often}\n")
		r := e2e.Run(t, 30*time.Second, bin, nil, "--config", cfg)
		if r.Code != 2 {
			t.Fatalf("exit %d (want 2)\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
		for _, want := range []string{
			cfg + ":7: sinks[0].retention_days: cannot read \"often\" as an integer",
		} {
			if !strings.Contains(r.Stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, r.Stderr)
			}
		}
		writeFile(t, cfg, "state_dir: /tmp/x\nsources:\n  - kind: flie\n    paths: [/var/log/syslog]\n  - kind: docker\nsinks:\n  - {kind: cloudwatch}\n")
		r = e2e.Run(t, 30*time.Second, bin, nil, "--config", cfg)
		for _, want := range []string{
			cfg + ":3: sources[0].kind: unknown kind \"flie\"",
			cfg + ":5: sources[1].container: required for kind docker",
			cfg + ":7: sinks[0].group: required for kind cloudwatch",
		} {
			if r.Code != 2 || !strings.Contains(r.Stderr, want) {
				t.Errorf("exit %d, stderr lacks %q:\n%s", r.Code, want, r.Stderr)
			}
		}
	})

	t.Run("no-secrets", func(t *testing.T) {
		// An OpenSearch sink with a password, -v and --json: the password
		// reaches the server and never the output.
		const secret = "pa55-w0rd-e2e"
		for _, extra := range [][]string{{"-v"}, {"-v", "--json"}} {
			srv := bulkfake.NewServer(bulkfake.Options{})
			defer srv.Close()
			dir := t.TempDir()
			logFile := filepath.Join(dir, "app.log")
			writeFile(t, logFile, "one\ntwo\nthree\n")
			cfg := filepath.Join(dir, "logship.yaml")
			writeFile(t, cfg, fmt.Sprintf("state_dir: %s\nsources:\n  - {kind: file, paths: [%q]}\nsinks:\n  - {kind: opensearch, url: %q, username: shipper, password_env: E2E_ES_PASSWORD}\n", filepath.Join(dir, "state"), logFile, srv.URL))
			p := e2e.Start(t, bin, []string{"E2E_ES_PASSWORD=" + secret}, append([]string{"--config", cfg, "--stats", "100ms"}, extra...)...)
			deadline := time.Now().Add(20 * time.Second)
			for len(srv.Docs("")) < 3 && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
			}
			p.Signal(syscall.SIGTERM)
			r := p.Wait(30 * time.Second)
			if r.Code != 0 || len(srv.Docs("")) != 3 {
				t.Fatalf("%v: exit %d, %d docs\n%s\n%s", extra, r.Code, len(srv.Docs("")), r.Stdout, r.Stderr)
			}
			if strings.Contains(r.Stdout+r.Stderr, secret) {
				t.Fatalf("%v: the password was printed:\n%s\n%s", extra, r.Stdout, r.Stderr)
			}
		}
	})

	t.Run("docker-to-opensearch", func(t *testing.T) {
		// A container's logs (DOCKER_HOST) to an OpenSearch _bulk server:
		// the source ends when the container does, and logship exits 0
		// once everything is shipped, with the checkpoint saved.
		docker := testenv.Docker(t)
		image := testenv.GoImage(t, docker, "../../logging/docker/testdata/numbered", "logging-numbered")
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		created, err := docker.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config: &container.Config{Image: image, Cmd: []string{"500", "2ms"}, Labels: map[string]string{"opskit.testenv": "logship"}},
			Name:   fmt.Sprintf("opskit-logship-%d", time.Now().UnixNano()),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_, _ = docker.ContainerRemove(context.Background(), created.ID, client.ContainerRemoveOptions{Force: true})
		})
		srv := bulkfake.NewServer(bulkfake.Options{})
		defer srv.Close()
		dir := t.TempDir()
		cfg := filepath.Join(dir, "logship.yaml")
		writeFile(t, cfg, fmt.Sprintf("state_dir: %s\nsources:\n  - {name: numbered, kind: docker, container: %q, stream: numbered}\nsinks:\n  - {kind: elasticsearch, url: %q}\n",
			filepath.Join(dir, "state"), created.ID, srv.URL))
		if _, err := docker.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
			t.Fatal(err)
		}
		r := e2e.Run(t, time.Minute, bin, nil, "--config", cfg, "--stats", "0")
		if r.Code != 0 || len(srv.Docs("")) != 500 {
			t.Fatalf("exit %d, %d docs (want 500)\n%s\n%s", r.Code, len(srv.Docs("")), r.Stdout, r.Stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "state", "numbered.json")); err != nil {
			t.Fatalf("no checkpoint: %v", err)
		}
	})

	t.Run("rabbitmq-to-tcp", func(t *testing.T) {
		// RabbitMQ's event exchange, over TLS, to a TCP receiver:
		// declaring a queue is an event that arrives as a JSON line.
		rmq := testenv.RabbitMQ(t)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		lines := make(chan string, 1024)
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					sc := bufio.NewScanner(c)
					for sc.Scan() {
						select {
						case lines <- sc.Text():
						default: // the test stopped reading
						}
					}
				}()
			}
		}()
		dir := t.TempDir()
		cfg := filepath.Join(dir, "logship.yaml")
		// Over amqps://, verified against the test CA.
		writeFile(t, cfg, fmt.Sprintf("state_dir: %s\nsources:\n  - {kind: rabbitmq, urls: [%q], ca_file: %q, exchange: event, stream: events}\nsinks:\n  - {kind: tcp, addr: %q, framing: json}\n",
			filepath.Join(dir, "state"), testenv.RabbitMQTLSEnv()[0].AMQPSURL, testenv.TLS(t).CAFile, ln.Addr().String()))
		p := e2e.Start(t, bin, nil, "--config", cfg, "--stats", "0")
		queue := fmt.Sprintf("logship-e2e-%d", time.Now().UnixNano())
		conn, err := amqp.Dial(rmq.Nodes[0].AMQPURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		ch, err := conn.Channel()
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.After(30 * time.Second)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
	wait:
		for n := 0; ; n++ {
			select {
			case l := <-lines:
				if strings.Contains(l, queue) && strings.Contains(l, "queue.created") {
					break wait
				}
			case <-tick.C:
				// The source may still be connecting: declare a fresh queue
				// of the same family until one is seen.
				q := fmt.Sprintf("%s-%d", queue, n)
				if _, err := ch.QueueDeclare(q, false, true, false, false, nil); err != nil {
					t.Fatal(err)
				}
			case <-deadline:
				t.Fatalf("no queue.created event arrived\n%s", p.Stdout())
			}
		}
		p.Signal(syscall.SIGTERM)
		if r := p.Wait(30 * time.Second); r.Code != 0 {
			t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("journald-to-tcp", func(t *testing.T) {
		// The system journal to a TCP receiver: lines written with
		// systemd-cat under an identifier of this run all arrive, in order.
		testenv.Journald(t)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		lines := make(chan string, 4096)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			sc := bufio.NewScanner(c)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		id := fmt.Sprintf("logship-e2e-%d", time.Now().UnixNano())
		const n = 500
		var msgs strings.Builder
		for i := range n {
			fmt.Fprintf(&msgs, "journal line %d of %s\n", i, id)
		}
		cat := exec.Command("systemd-cat", "-t", id)
		cat.Stdin = strings.NewReader(msgs.String())
		if out, err := cat.CombinedOutput(); err != nil {
			t.Fatalf("systemd-cat: %v\n%s", err, out)
		}
		dir := t.TempDir()
		cfg := filepath.Join(dir, "logship.yaml")
		writeFile(t, cfg, fmt.Sprintf("state_dir: %s\nsources:\n  - {kind: journald, identifiers: [%q], start: head, stream: journal}\nsinks:\n  - {kind: tcp, addr: %q}\n",
			filepath.Join(dir, "state"), id, ln.Addr().String()))
		p := e2e.Start(t, bin, nil, "--config", cfg, "--stats", "0")
		deadline := time.After(60 * time.Second)
		for i := 0; i < n; {
			select {
			case l := <-lines:
				if !strings.Contains(l, id) {
					continue
				}
				if want := fmt.Sprintf("journal line %d of %s", i, id); !strings.Contains(l, want) {
					t.Fatalf("line %d: got %q, want it to contain %q", i, l, want)
				}
				i++
			case <-deadline:
				t.Fatalf("%d of %d journal lines arrived\n%s", i, n, p.Stdout())
			}
		}
		p.Signal(syscall.SIGTERM)
		if r := p.Wait(30 * time.Second); r.Code != 0 {
			t.Fatalf("exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
		}
	})

	t.Run("cloudwatch", func(t *testing.T) {
		awsCfg := testenv.AWS(t)
		dir := t.TempDir()
		logFile := filepath.Join(dir, "app.log")
		group := fmt.Sprintf("/opskit/e2e/logship-%d", time.Now().UnixNano())
		cfg := filepath.Join(dir, "logship.yaml")
		writeFile(t, cfg, fmt.Sprintf("state_dir: %s\ndrain_timeout: 30s\nsources:\n  - {name: app, kind: file, paths: [%q], stream: e2e}\nsinks:\n  - {kind: cloudwatch, group: %q}\n", filepath.Join(dir, "state"), logFile, group))
		env := []string{"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_REGION=us-east-1",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null", "AWS_EC2_METADATA_DISABLED=true"}
		args := []string{"--config", cfg, "--aws-endpoint", testenv.AWSEndpoint(), "--stats", "500ms"}

		// The log grows for about 3 s, 200 lines every 30 ms.
		const total, chunk = 20000, 200
		f, err := os.OpenFile(logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		written := make(chan struct{})
		go func() {
			defer close(written)
			for i := 0; i < total; i += chunk {
				var b strings.Builder
				for j := i; j < i+chunk; j++ {
					fmt.Fprintf(&b, "line %06d of the e2e log\n", j)
				}
				if _, err := f.WriteString(b.String()); err != nil {
					t.Error(err)
					return
				}
				time.Sleep(30 * time.Millisecond)
			}
		}()

		p := e2e.Start(t, bin, env, args...)
		p.WaitOutput("shipping;", 30*time.Second)
		time.Sleep(time.Second)
		p.Signal(syscall.SIGTERM)
		r1 := p.Wait(time.Minute)
		if r1.Code != 0 || !strings.Contains(r1.Stdout, "terminated: stopping sources, draining") {
			t.Fatalf("first run: exit %d\n%s\n%s", r1.Code, r1.Stdout, r1.Stderr)
		}
		t.Logf("first run, SIGTERM 1 s after it started shipping: %s\n%s", r1.Took, r1.Stdout)

		start := time.Now()
		p = e2e.Start(t, bin, env, args...)
		<-written
		api := cwl.NewFromConfig(awsCfg)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		var got int
		for got < total {
			evs, err := cloudwatch.ReadStream(ctx, api, group, "e2e")
			if err == nil {
				got = len(evs)
			}
			if ctx.Err() != nil {
				t.Fatalf("only %d of %d lines arrived: %v\n%s", got, total, err, p.Stdout())
			}
			time.Sleep(300 * time.Millisecond)
		}
		caughtUp := time.Since(start)
		p.Signal(syscall.SIGTERM)
		r2 := p.Wait(time.Minute)
		if r2.Code != 0 {
			t.Fatalf("second run: exit %d\n%s\n%s", r2.Code, r2.Stdout, r2.Stderr)
		}
		t.Logf("second run: caught up %s after its start, exited %s after it\n%s", caughtUp, r2.Took, r2.Stdout)

		evs, err := cloudwatch.ReadStream(ctx, api, group, "e2e")
		if err != nil {
			t.Fatal(err)
		}
		seen := make(map[string]int, len(evs))
		for _, e := range evs {
			seen[*e.Message]++
		}
		var lost, dup int
		for i := range total {
			switch n := seen[fmt.Sprintf("line %06d of the e2e log", i)]; {
			case n == 0:
				lost++
			case n > 1:
				dup += n - 1
			}
		}
		t.Logf("%d lines written, %d events in CloudWatch: %d lost, %d duplicated", total, len(evs), lost, dup)
		if lost > 0 || dup > 0 || len(evs) != total {
			t.Fatalf("%d lost, %d duplicated, %d events for %d lines", lost, dup, len(evs), total)
		}
	})
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
