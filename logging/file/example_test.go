package file_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/opskit-dev/opskit/logging"
	"github.com/opskit-dev/opskit/logging/file"
	"github.com/opskit-dev/opskit/logging/loggingfake"
)

// Tail a glob with durable checkpoints into a sink.
func ExampleNewSource() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	_ = os.WriteFile(filepath.Join(dir, "app.log"), []byte("started\nlistening on :8080\n"), 0o644)

	src, err := file.NewSource(file.Options{
		Paths:      []string{filepath.Join(dir, "app.log*")}, // rotated files too
		Checkpoint: filepath.Join(dir, "checkpoint.json"),
		Stream:     "app",
	})
	if err != nil {
		panic(err)
	}
	sink := loggingfake.NewSink(loggingfake.Options{})
	p, _ := logging.NewPipeline(logging.Options{}, sink)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = p.Run(ctx, src) // until ctx ends
	_ = p.Close(context.Background())
	for _, r := range sink.Events("app") {
		fmt.Println(r.Message)
	}
	fmt.Println("checkpoint offset:", src.Files()[0].Offset)
	// Output:
	// started
	// listening on :8080
	// checkpoint offset: 27
}

// Presets exist for syslog, ossec.log and PostgreSQL's stderr log.
func ExampleSyslog() {
	opts := file.Syslog("/var/log/syslog", "/var/log/auth.log")
	opts.Checkpoint = "/var/lib/opskit/syslog.checkpoint"
	opts.Stream = "syslog"
	src, err := file.NewSource(opts)
	if err != nil {
		panic(err)
	}
	_ = src // p.Run(ctx, src)
}

// ossec.log records with continuation lines become one event each.
func ExampleOssec() {
	src, err := file.NewSource(file.Ossec())
	if err != nil {
		panic(err)
	}
	_ = src
}
