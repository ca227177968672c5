package docker

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/opskit-dev/opskit/logging"
)

// API is the part of the Docker client the source uses; *client.Client
// implements it.
type API interface {
	ContainerInspect(ctx context.Context, id string, opts client.ContainerInspectOptions) (client.ContainerInspectResult, error)
	ContainerLogs(ctx context.Context, id string, opts client.ContainerLogsOptions) (client.ContainerLogsResult, error)
}

var _ API = (*client.Client)(nil)

// Options configures a Source.
type Options struct {
	// Container is the container's ID or name (required).
	Container string
	// Stream is set on every event (default: the container name).
	Stream string
	// Since starts after this time (default: the container's first line).
	Since time.Time
	// NoFollow reads what is there and returns instead of following.
	NoFollow bool
	// Labels lists the container labels copied into fields as
	// "label.<name>"; nil copies all of them.
	Labels []string
}

// Source reads one container's logs.
type Source struct {
	api   API
	opts  Options
	acked atomic.Int64 // unix nanos of the last acknowledged line
}

// NewSource validates opts.
func NewSource(api API, opts Options) (*Source, error) {
	if api == nil {
		return nil, &logging.InvalidError{Input: "docker.NewSource", Field: "api", Reason: "a Docker client is required"}
	}
	if opts.Container == "" {
		return nil, &logging.InvalidError{Input: "docker.Options", Field: "Container", Reason: "a container ID or name is required"}
	}
	return &Source{api: api, opts: opts}, nil
}

// Acked returns the timestamp of the last acknowledged line: pass it as
// Options.Since to resume after a restart (lines with that exact
// timestamp may repeat).
func (s *Source) Acked() time.Time {
	if n := s.acked.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// Ack implements logging.Acker with the line's timestamp as offset.
func (s *Source) Ack(off int64) { s.acked.Store(off) }

// Run streams the logs until the container stops (following) or ctx ends.
func (s *Source) Run(ctx context.Context, out logging.Emitter) error {
	info, err := s.api.ContainerInspect(ctx, s.opts.Container, client.ContainerInspectOptions{})
	if err != nil {
		return fmt.Errorf("docker: inspect container %s: %w", s.opts.Container, err)
	}
	c := info.Container
	name := strings.TrimPrefix(c.Name, "/")
	base := map[string]string{"container_id": c.ID, "container_name": name}
	if c.Config != nil {
		base["image"] = c.Config.Image
		for k, v := range c.Config.Labels {
			if s.opts.Labels == nil || contains(s.opts.Labels, k) {
				base["label."+k] = v
			}
		}
	}
	stream := s.opts.Stream
	if stream == "" {
		stream = name
	}
	lo := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Timestamps: true, Follow: !s.opts.NoFollow}
	if !s.opts.Since.IsZero() {
		lo.Since = s.opts.Since.Format(time.RFC3339Nano)
	}
	rc, err := s.api.ContainerLogs(ctx, c.ID, lo)
	if err != nil {
		return fmt.Errorf("docker: logs of container %s: %w", name, err)
	}
	defer rc.Close()
	stop := context.AfterFunc(ctx, func() { rc.Close() })
	defer stop()
	mk := func(which string) *lineWriter {
		f := make(map[string]string, len(base)+1)
		for k, v := range base {
			f[k] = v
		}
		f["stream"] = which
		return &lineWriter{ctx: ctx, out: out, src: s, stream: stream, source: name, origin: c.ID + "/" + which, fields: f}
	}
	stdout, stderr := mk("stdout"), mk("stderr")
	if c.Config != nil && c.Config.Tty {
		_, err = io.Copy(stdout, rc)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, rc)
	}
	for _, w := range []*lineWriter{stdout, stderr} {
		if ferr := w.flush(); ferr != nil && err == nil {
			err = ferr
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("docker: read logs of container %s: %w", name, err)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
