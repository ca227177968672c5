package docker_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/internal/testenv"
	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/cloudwatch"
	"github.com/opskit-dev/opskit/logging/docker"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// buildImage builds a FROM scratch image around the static testdata
// binary and removes it when t ends.
func buildImage(t *testing.T, cli *client.Client) string {
	t.Helper()
	return testenv.GoImage(t, cli, "./testdata/numbered", "logging-numbered")
}

func runContainer(t *testing.T, cli *client.Client, image string, lc *container.LogConfig, args ...string) string {
	t.Helper()
	ctx := context.Background()
	hc := &container.HostConfig{}
	if lc != nil {
		hc.LogConfig = *lc
	}
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Config:     &container.Config{Image: image, Cmd: args, Labels: map[string]string{"app": "numbered", "opskit.testenv": "logging"}},
		HostConfig: hc,
		Name:       fmt.Sprintf("opskit-logging-%d", time.Now().UnixNano()),
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
	return created.ID
}

func waitExit(t *testing.T, cli *client.Client, id string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w := cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case r := <-w.Result:
		if r.StatusCode != 0 {
			t.Fatalf("container exited with %d", r.StatusCode)
		}
	case err := <-w.Error:
		t.Fatalf("ContainerWait: %v", err)
	}
}

// TestAwslogsEndToEnd runs a container with the awslogs options the
// builder produced; the driver ships to moto and the package reads the
// lines back.
func TestAwslogsEndToEnd(t *testing.T) {
	cfg := testenv.AWS(t)
	cli := testenv.Docker(t)
	image := buildImage(t, cli)
	group := fmt.Sprintf("/opskit/test/awslogs/%d", time.Now().UnixNano())
	cw := cwl.NewFromConfig(cfg)
	t.Cleanup(func() {
		_, _ = cw.DeleteLogGroup(context.Background(), &cwl.DeleteLogGroupInput{LogGroupName: aws.String(group)})
	})
	opts := docker.AWSLogs{Region: cfg.Region, Endpoint: testenv.AWSEndpoint(), Group: group, Stream: "numbered", CreateGroup: true,
		ForceFlushInterval: time.Second}
	lc, err := opts.LogConfig()
	if err != nil {
		t.Fatal(err)
	}
	args, _ := opts.DockerRunArgs()
	t.Logf("docker run %s %s 300", strings.Join(args, " "), image)
	id := runContainer(t, cli, image, &lc, "300")
	waitExit(t, cli, id)
	var got []string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		evs, err := cloudwatch.ReadStream(context.Background(), cw, group, "numbered")
		got = got[:0]
		for _, e := range evs {
			got = append(got, aws.ToString(e.Message))
		}
		if err == nil && len(got) >= 300 {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	seen := map[string]bool{}
	for _, m := range got {
		seen[m] = true
	}
	for i := 0; i < 300; i++ {
		want := fmt.Sprintf("line %05d out", i)
		if i%10 == 9 {
			want = fmt.Sprintf("line %05d err", i)
		}
		if !seen[want] {
			t.Fatalf("line %d (%q) missing from CloudWatch; got %d events", i, want, len(got))
		}
	}
	t.Logf("read %d lines back from moto group %s", len(got), group)
}

// TestContainerSource follows a running container's logs through the
// Engine API.
func TestContainerSource(t *testing.T) {
	cli := testenv.Docker(t)
	image := buildImage(t, cli)
	id := runContainer(t, cli, image, nil, "200", "5ms")
	src, err := docker.NewSource(cli, docker.Options{Container: id, Labels: []string{"app"}})
	if err != nil {
		t.Fatal(err)
	}
	sink := loggingfake.NewSink(loggingfake.Options{Limits: &logging.Limits{}})
	p, _ := logging.NewPipeline(logging.Options{Linger: 10 * time.Millisecond}, sink)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := p.Run(ctx, src); err != nil { // returns when the container stops
		t.Fatal(err)
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	recs := sink.All()
	if len(recs) != 200 {
		t.Fatalf("got %d lines; want 200", len(recs))
	}
	var stderr int
	for _, r := range recs {
		if r.Fields["stream"] == "stderr" {
			stderr++
			if !strings.HasSuffix(r.Message, "err") {
				t.Fatalf("stderr line %q", r.Message)
			}
		}
		if r.Fields["label.app"] != "numbered" || r.Fields["container_id"] != id || r.Fields["label.opskit.testenv"] != "" {
			t.Fatalf("fields %v", r.Fields)
		}
	}
	if stderr != 20 {
		t.Fatalf("%d stderr lines; want 20", stderr)
	}
	if src.Acked().IsZero() {
		t.Fatal("nothing acknowledged")
	}
}
