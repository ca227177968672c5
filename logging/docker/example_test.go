package docker_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/docker"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// Build awslogs driver options once and use them for docker run, compose
// and swarm services; mistakes are reported before a container starts.
func ExampleAWSLogs() {
	a := docker.AWSLogs{Region: "eu-west-1", Group: "/apps/web", CreateGroup: true, NonBlocking: true, MaxBufferSize: "25m"}
	args, err := a.DockerRunArgs()
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.Join(args, " "))

	_, err = docker.AWSLogs{Group: "/apps/web", MultilinePattern: "(", DatetimeFormat: "%Y"}.DockerRunArgs()
	fmt.Println(err)
	// Output:
	// --log-driver=awslogs --log-opt awslogs-create-group=true --log-opt awslogs-group=/apps/web --log-opt awslogs-region=eu-west-1 --log-opt max-buffer-size=25m --log-opt mode=non-blocking
	// logging: invalid awslogs options: awslogs-region: required (an endpoint does not imply a region; the daemon's AWS_REGION is easy to miss)
	// logging: invalid awslogs options: awslogs-multiline-pattern: "(": conflicts with awslogs-datetime-format: set one
	// logging: invalid awslogs options: awslogs-multiline-pattern: "(": bad regular expression: error parsing regexp: missing closing ): `(`
}

// Follow a container's stdout and stderr with its name and labels as fields.
func ExampleNewSource() {
	cli, err := client.New(client.FromEnv)
	if err != nil {
		panic(err)
	}
	src, err := docker.NewSource(cli, docker.Options{Container: "web-1", Labels: []string{"com.example.team"}})
	if err != nil {
		panic(err)
	}
	p, _ := logging.NewPipeline(logging.Options{}, loggingfake.NewSink(loggingfake.Options{}))
	ctx := context.Background()
	_ = p.Run(ctx, src) // until the container stops
	_ = p.Close(ctx)
	fmt.Println("resume with Since:", src.Acked())
}
