package docker_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/docker"
)

func TestAWSLogsBuilder(t *testing.T) {
	a := docker.AWSLogs{Region: "eu-west-1", Group: "/app/web", Stream: "web-1", CreateGroup: true,
		MultilinePattern: `^\d{4}-`, ForceFlushInterval: 2 * time.Second, NonBlocking: true, MaxBufferSize: "25m"}
	args, err := a.DockerRunArgs()
	if err != nil {
		t.Fatal(err)
	}
	want := "--log-driver=awslogs --log-opt awslogs-create-group=true --log-opt awslogs-force-flush-interval-seconds=2 " +
		"--log-opt awslogs-group=/app/web --log-opt awslogs-multiline-pattern=^\\d{4}- --log-opt awslogs-region=eu-west-1 " +
		"--log-opt awslogs-stream=web-1 --log-opt max-buffer-size=25m --log-opt mode=non-blocking"
	if got := strings.Join(args, " "); got != want {
		t.Fatalf("args\n%s\nwant\n%s", got, want)
	}
	y, err := a.ComposeYAML()
	if err != nil || !strings.Contains(y, "driver: awslogs") || !strings.Contains(y, "awslogs-group: /app/web") {
		t.Fatalf("compose %q, %v", y, err)
	}
	d, err := a.SwarmDriver()
	if err != nil || d.Name != "awslogs" || d.Options["awslogs-region"] != "eu-west-1" {
		t.Fatalf("swarm %+v, %v", d, err)
	}
}

func TestValidateCatchesMistakes(t *testing.T) {
	cases := []struct {
		name string
		opts map[string]string
		want []string // options named in the error
	}{
		{"typo", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-groupp": "g"}, []string{"awslogs-groupp"}},
		{"missing group and region", map[string]string{"awslogs-stream": "s"}, []string{"awslogs-group", "awslogs-region"}},
		{"both multiline", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-datetime-format": "%Y", "awslogs-multiline-pattern": "^x"}, []string{"awslogs-multiline-pattern"}},
		{"bad bool", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-create-group": "yes please"}, []string{"awslogs-create-group"}},
		{"bad regexp", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-multiline-pattern": "("}, []string{"awslogs-multiline-pattern"}},
		{"endpoint without scheme", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-endpoint": "127.0.0.1:5055"}, []string{"awslogs-endpoint"}},
		{"stream with colon", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-stream": "a:b"}, []string{"awslogs-stream"}},
		{"buffer size without non-blocking", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "max-buffer-size": "25m"}, []string{"max-buffer-size"}},
		{"flush interval not a number", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-force-flush-interval-seconds": "5s"}, []string{"awslogs-force-flush-interval-seconds"}},
		{"emf with multiline", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-format": "json/emf", "awslogs-multiline-pattern": "^x"}, []string{"awslogs-format"}},
		{"bad group", map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "my group!"}, []string{"awslogs-group"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := docker.ValidateOptions(tc.opts)
			var ve logging.InvalidErrors
			if !errors.As(err, &ve) || !errors.Is(err, logging.ErrInvalid) {
				t.Fatalf("ValidateOptions = %v; want logging.InvalidErrors", err)
			}
			for _, w := range tc.want {
				found := false
				for _, p := range ve {
					found = found || p.Field == w
				}
				if !found {
					t.Fatalf("error %q does not name %s", err, w)
				}
			}
		})
	}
	if err := docker.ValidateOptions(map[string]string{"awslogs-region": "us-east-1", "awslogs-group": "g", "awslogs-create-group": "true"}); err != nil {
		t.Fatalf("valid options rejected: %v", err)
	}
	if _, err := (docker.AWSLogs{Group: "g", ForceFlushInterval: 500 * time.Millisecond}).Options(); err == nil {
		t.Fatal("sub-second flush interval and missing region accepted")
	}
}
