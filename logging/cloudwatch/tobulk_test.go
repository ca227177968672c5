package cloudwatch_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/bulk"
	"github.com/opskit-dev/opskit/logging/bulk/bulkfake"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/docker"
)

// runAwslogs runs the numbered test program with the awslogs driver
// shipping to group/stream on moto and waits for it to exit.
func runAwslogs(t *testing.T, group, stream string, lines int) {
	t.Helper()
	cfg := testenv.AWS(t)
	cli := testenv.Docker(t)
	image := testenv.GoImage(t, cli, "../docker/testdata/numbered", "logging-numbered")
	lc, err := docker.AWSLogs{Region: cfg.Region, Endpoint: testenv.AWSEndpoint(), Group: group, Stream: stream,
		ForceFlushInterval: time.Second}.LogConfig()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:     &container.Config{Image: image, Cmd: []string{fmt.Sprint(lines), "200us"}, Labels: map[string]string{"opskit.testenv": "logging"}},
		HostConfig: &container.HostConfig{LogConfig: lc},
		Name:       fmt.Sprintf("opskit-cwbulk-%d", time.Now().UnixNano()),
	})
	if err != nil {
		t.Fatalf("ContainerCreate: %v", err)
	}
	t.Cleanup(func() {
		_, _ = cli.ContainerRemove(context.Background(), created.ID, client.ContainerRemoveOptions{Force: true})
	})
	if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		t.Fatalf("ContainerStart: %v", err)
	}
	w := cli.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case r := <-w.Result:
		if r.StatusCode != 0 {
			t.Fatalf("container exited with %d", r.StatusCode)
		}
	case err := <-w.Error:
		t.Fatalf("ContainerWait: %v", err)
	}
}

// TestCloudWatchToBulk forwards a container's logs from CloudWatch to
// Elasticsearch: the awslogs driver writes 5,000 lines into moto, the
// CloudWatch source reads them, the bulk sink ships them to bulkfake. The
// forwarder is stopped without flushing once 2,000 documents arrived and
// restarted from its checkpoint: nothing is lost, and what was sent twice
// is at most one pipeline batch (stored once, thanks to the _id).
func TestCloudWatchToBulk(t *testing.T) {
	const lines, batch = 5000, 250
	cw := cwl.NewFromConfig(testenv.AWS(t))
	group := newGroup(t, cw, "cwbulk")
	runAwslogs(t, group, "numbered", lines)
	es := bulkfake.NewServer(bulkfake.Options{})
	defer es.Close()
	cp := filepath.Join(t.TempDir(), "cw.cp")
	opts := cloudwatch.SourceOptions{Follow: []cloudwatch.Follow{{Group: group, StreamPrefix: "num"}}, Checkpoint: cp, PageSize: 1000,
		Poll: 100 * time.Millisecond, Discover: 500 * time.Millisecond}
	forward := func(stopAt int, flush bool) (read int64) {
		src, err := cloudwatch.NewSource(cw, opts)
		if err != nil {
			t.Fatal(err)
		}
		sink, err := bulk.NewSink(bulk.Options{URL: es.URL, IndexPrefix: "cw"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := logging.NewPipeline(logging.Options{BatchEvents: batch, Linger: 10 * time.Millisecond}, sink)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- p.Run(ctx, src) }()
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) && len(es.Docs("cw")) < stopAt {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		if !flush {
			ccancel() // a crash: what is buffered or in flight is abandoned
		}
		_ = p.Close(cctx)
		ccancel()
		return src.Stats().Events
	}
	forward(2000, false)
	stored := len(es.Docs("cw"))
	reread := forward(lines, true)

	docs := es.Docs("cw")
	seen := map[string]int{}
	dups := 0
	for _, d := range docs {
		var msg string
		if i := strings.Index(string(d.Source), `"message":"`); i >= 0 {
			msg = string(d.Source)[i+11:]
			msg = msg[:strings.IndexByte(msg, '"')]
		}
		seen[msg]++
		dups += d.Version - 1
	}
	for i := 0; i < lines; i++ {
		want := fmt.Sprintf("line %05d out", i)
		if i%10 == 9 {
			want = fmt.Sprintf("line %05d err", i)
		}
		if seen[want] != 1 {
			t.Fatalf("line %q stored %d times; want once (%d documents)", want, seen[want], len(docs))
		}
	}
	t.Logf("TestCloudWatchToBulk: %d lines via awslogs → moto → source → bulk; stopped without flushing at %d documents, the restart read %d events; %d documents, %d sent twice (bound %d)",
		lines, stored, reread, len(docs), dups, batch)
	if reread > int64(lines-stored+batch) {
		t.Fatalf("the restart read %d events; want at most %d (after the checkpoint)", reread, lines-stored+batch)
	}
	if len(docs) != lines || dups > batch {
		t.Fatalf("%d documents, %d sent twice; want %d and at most %d", len(docs), dups, lines, batch)
	}
}
